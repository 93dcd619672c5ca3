/** A plain object as the page hands it over: anything may be missing or of the wrong type. */
export type Obj = { [key: string]: unknown };

/** `v` as an object, or an empty one. */
export const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});

/** A finite number from a number or a numeric string ("12.50"), else undefined (left out of the JSON). */
export const num = (v: unknown): number | undefined => {
  const n = typeof v === "string" && v ? +v : v;
  // biome-ignore lint/suspicious/noGlobalIsFinite: n is a number here, where the global is Number.isFinite, and shorter
  return typeof n === "number" && isFinite(n) ? n : undefined;
};
