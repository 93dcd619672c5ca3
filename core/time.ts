export const DAY_MS = 24 * 60 * 60 * 1000;

export function daysBetween(from: number, to: number): number {
  return (to - from) / DAY_MS;
}
