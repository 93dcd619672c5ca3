// Figures as text for the tables and summaries.

const integer = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function count(value: number): string {
  return integer.format(value);
}

export function amount(value: number): string {
  return money.format(value);
}

/** A rate (0..1) as a percentage with two decimals. */
export function percent(rate: number): string {
  return `${(rate * 100).toFixed(2)}%`;
}

/** A difference of rates in percentage points, signed. */
export function points(difference: number): string {
  const value = (difference * 100).toFixed(2);
  return `${difference > 0 ? "+" : ""}${value} pp`;
}

/** "YYYY-MM-DD" as seconds since the epoch at midnight UTC (uPlot's x values). */
export function dayToSeconds(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}
