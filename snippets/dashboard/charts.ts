import uPlot from "uplot";
import { el } from "./dom";
import { dayToSeconds } from "./format";
import type { DailyRow } from "./types";

export interface SeriesSpec {
  key: string;
  label: string;
  colour: string;
  /** Filled under the line (one filled series per chart stays readable). */
  fill?: string;
}

/** The series colours; the browser test looks for these pixels in the canvas. */
export const COLOURS = {
  impressions: "#2563eb",
  clicks: "#f59e0b",
  conversions: "#16a34a",
  revenue: "#9333ea",
  dismissals: "#dc2626",
} as const;

const PALETTE = ["#2563eb", "#f59e0b", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#4b5563"];
const HEIGHT = 240;

function numberAt(row: DailyRow, key: string): number {
  const value = row[key];
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** Column-wise data as uPlot takes it: x (seconds) first, then one column per series. */
function columns(daily: DailyRow[], series: SeriesSpec[]): uPlot.AlignedData {
  const rows = [...daily].sort((a, b) => (a.date < b.date ? -1 : 1));
  return [rows.map((row) => dayToSeconds(row.date)), ...series.map((spec) => rows.map((row) => numberAt(row, spec.key)))];
}

/** Every numeric field of the daily rows, for reports whose daily shape the dashboard does not fix (flows). */
export function seriesOfRows(daily: DailyRow[]): SeriesSpec[] {
  const keys = new Set<string>();
  for (const row of daily) for (const [key, value] of Object.entries(row)) if (key !== "date" && typeof value === "number") keys.add(key);
  return [...keys].map((key, i) => ({ key, label: key, colour: PALETTE[i % PALETTE.length] ?? "#000" }));
}

/** The days are calendar days of the shop, sent as dates: shown as UTC so they never shift a day. */
const utcDate = (seconds: number) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC");

function options(title: string, width: number, series: SeriesSpec[]): uPlot.Options {
  return {
    title,
    width,
    height: HEIGHT,
    tzDate: utcDate,
    scales: { x: { time: true }, y: { range: (_self, _min, max) => [0, Math.max(1, max)] } },
    series: [
      {},
      ...series.map((spec) => ({ label: spec.label, stroke: spec.colour, width: 2, fill: spec.fill, points: { show: true, size: 5 } })),
    ],
    axes: [{}, { size: 60 }],
  };
}

/**
 * A daily line chart of `series` in a new element (`data-testid="chart-<name>"`). The chart is
 * drawn once the element is in the page, at the width it gets there.
 */
export function dailyChart(name: string, title: string, daily: DailyRow[], series: SeriesSpec[]): HTMLElement {
  const holder = el("div", { className: "chart", testid: `chart-${name}` });
  if (daily.length === 0 || series.length === 0) {
    holder.append(el("p", { className: "empty", text: "No days to chart in this range." }));
    return holder;
  }
  requestAnimationFrame(() => {
    const width = Math.max(320, holder.clientWidth || 800);
    new uPlot(options(title, width, series), columns(daily, series), holder);
  });
  return holder;
}
