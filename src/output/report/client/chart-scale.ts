/** The chart's period and bars: which span, how wide a bar, how many events in each. */
import type { ChartBucket, ReportData } from "../data.js";
import { DAY, HOUR } from "./format.js";

export interface ChartScale {
  from: number;
  to: number;
  /** One bar's span, ms. */
  step: number;
  slots: number;
  /** The counts to draw and the span of their unit, ms. */
  buckets: ChartBucket[];
  unitMs: number;
}

/** The attack window (`whole` false) or the whole period, in bars of minutes, hours or days. */
export function chartScale(data: ReportData, whole: boolean): ChartScale {
  const r = data.range;
  const fine = !whole ? data.chart.fine : null;
  let from: number;
  let to: number;
  let step: number;
  if (fine) {
    // Short attack window: bars of 5 to 60 minutes from the fine counts.
    from = fine.from;
    to = fine.to;
    const choices = [1, 2, 3, 6, 12].map((n) => n * fine.step);
    step = choices.find((choice) => (to - from) / choice <= 150) ?? HOUR;
    from = Math.floor(from / step) * step;
    to = Math.ceil(to / step) * step;
  } else {
    from = whole ? r.first : r.attackerFirst;
    to = whole ? r.last : r.attackerLast;
    const pad = Math.max(HOUR, (to - from) * 0.1);
    from -= pad;
    to += pad;
    step = to - from > 7 * DAY ? DAY : HOUR;
    from = Math.floor(from / step) * step;
    to = Math.ceil((to + 1) / step) * step;
  }
  const slots = Math.max(1, Math.round((to - from) / step));
  return { from, to, step, slots, buckets: fine ? fine.buckets : data.chart.buckets, unitMs: fine ? fine.step : HOUR };
}

export interface SourceCounts {
  normal: number[];
  attacker: number[];
}

/** Events per bar, per source (by index into the chart's sources). */
export function slotCounts(scale: ChartScale, sourceCount: number): SourceCounts[] {
  const { from, step, slots } = scale;
  const counts = Array.from({ length: sourceCount }, () => ({ normal: new Array<number>(slots).fill(0), attacker: new Array<number>(slots).fill(0) }));
  for (const [unit, source, normal, attacker] of scale.buckets) {
    const slot = Math.floor((unit * scale.unitMs - from) / step);
    const target = counts[source];
    if (!target || slot < 0 || slot >= slots) continue;
    target.normal[slot] = (target.normal[slot] ?? 0) + normal;
    target.attacker[slot] = (target.attacker[slot] ?? 0) + attacker;
  }
  return counts;
}

/** A bar's span in words: "day", "hour", "15 minutes". */
export const stepName = (step: number): string => (step === DAY ? "day" : step === HOUR ? "hour" : `${step / 60_000} minutes`);

/** The same, short, for "max 12 per h". */
export const perStep = (step: number): string => (step === DAY ? "day" : step === HOUR ? "h" : `${step / 60_000} min`);
