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
  delivered: "#0891b2",
  opened: "#4b5563",
} as const;
const HEIGHT = 220;

function numberAt(row: DailyRow, key: string): number {
  const value: unknown = (row as unknown as Record<string, unknown>)[key];
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

const DAY_SECONDS = 86_400;
/** More days than any report range: a guard against a malformed range, not a limit of the API. */
const MAX_DAYS = 1_000;

/**
 * Every day from `from` to `to` (the report's range), with zeros for the days the report left out,
 * so a single day with data still draws as a line against its neighbours.
 */
function everyDay(daily: DailyRow[], from: string, to: string): DailyRow[] {
  const byDate = new Map(daily.map((row) => [row.date, row]));
  const first = dayToSeconds(from);
  const last = dayToSeconds(to);
  if (!Number.isFinite(first) || !Number.isFinite(last) || last < first || (last - first) / DAY_SECONDS > MAX_DAYS) {
    return [...daily].sort((a, b) => (a.date < b.date ? -1 : 1));
  }
  const days: DailyRow[] = [];
  for (let seconds = first; seconds <= last; seconds += DAY_SECONDS) {
    const date = new Date(seconds * 1000).toISOString().slice(0, 10);
    days.push(byDate.get(date) ?? { date });
  }
  return days;
}

/** Column-wise data as uPlot takes it: x (seconds) first, then one column per series. */
function columns(rows: DailyRow[], series: SeriesSpec[]): uPlot.AlignedData {
  return [rows.map((row) => dayToSeconds(row.date)), ...series.map((spec) => rows.map((row) => numberAt(row, spec.key)))];
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
export function dailyChart(
  name: string,
  title: string,
  range: { from: string; to: string },
  daily: DailyRow[],
  series: SeriesSpec[],
): HTMLElement {
  const holder = el("div", { className: "chart", testid: `chart-${name}` });
  const rows = everyDay(daily, range.from, range.to);
  if (rows.length === 0 || series.length === 0) {
    holder.append(el("p", { className: "empty", text: "No days to chart in this range." }));
    return holder;
  }
  requestAnimationFrame(() => {
    // clientWidth includes the holder's padding (6px a side in the page's style).
    const width = Math.max(320, (holder.clientWidth || 800) - 12);
    new uPlot(options(title, width, series), columns(rows, series), holder);
  });
  return holder;
}
