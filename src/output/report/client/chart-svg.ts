/** The chart's drawing: one panel of stacked bars per source, and the time axis. */
import { add, svg } from "./dom.js";
import { DAY, HOUR, fmt, time } from "./format.js";
import { perStep, type ChartScale, type SourceCounts } from "./chart-scale.js";

/** Where things go in the drawing (viewBox units). */
export interface Frame {
  width: number;
  height: number;
  /** Top of the first panel; the moments' markers sit above it. */
  top: number;
  axisY: number;
  x: (ms: number) => number;
}

const WIDTH = 900;
const LEFT = 200;
const PANEL = 56;
const GAP = 10;
const TOP = 26;
const AXIS = 34;
const PLOT = WIDTH - LEFT - 10;

export function chartFrame(scale: ChartScale, sourceCount: number): Frame {
  return {
    width: WIDTH,
    height: TOP + sourceCount * (PANEL + GAP) + AXIS,
    top: TOP,
    axisY: TOP + sourceCount * (PANEL + GAP),
    x: (ms) => LEFT + ((ms - scale.from) / (scale.to - scale.from)) * PLOT,
  };
}

/** `labels`: each source's name as the reader sees it. */
export function drawPanels(root: SVGElement, frame: Frame, scale: ChartScale, labels: string[], counts: SourceCounts[]): void {
  const { from, step, slots } = scale;
  const barWidth = Math.max(1, PLOT / slots - (PLOT / slots > 4 ? 1 : 0));
  labels.forEach((label, index) => {
    const y0 = TOP + index * (PANEL + GAP);
    const series = counts[index];
    if (!series) return;
    const max = Math.max(1, ...series.normal.map((n, slot) => n + (series.attacker[slot] ?? 0)));
    root.appendChild(svg("rect", { x: LEFT, y: y0, width: PLOT, height: PANEL, class: "panel" }));
    const name = svg("text", { x: LEFT - 8, y: y0 + PANEL / 2, class: "source", "text-anchor": "end", "dominant-baseline": "middle" });
    name.textContent = label;
    const maxLabel = svg("text", { x: LEFT - 8, y: y0 + PANEL - 2, class: "max", "text-anchor": "end" });
    maxLabel.textContent = `max ${fmt(max)} per ${perStep(step)}`;
    add(root, name, maxLabel);
    for (let slot = 0; slot < slots; slot += 1) {
      const normal = series.normal[slot] ?? 0;
      const attacker = series.attacker[slot] ?? 0;
      if (normal + attacker === 0) continue;
      const bx = frame.x(from + slot * step);
      const hn = (normal / max) * PANEL;
      const ha = (attacker / max) * PANEL;
      const group = svg("g", {});
      const tip = svg("title", {});
      tip.textContent = `${label}, ${time(from + slot * step)}: ${fmt(attacker)} attacker, ${fmt(normal)} normal`;
      group.appendChild(tip);
      if (normal > 0) group.appendChild(svg("rect", { x: bx, y: y0 + PANEL - hn, width: barWidth, height: Math.max(hn, 1), class: "normal" }));
      if (attacker > 0) group.appendChild(svg("rect", { x: bx, y: y0 + PANEL - hn - ha, width: barWidth, height: Math.max(ha, 1), class: "attacker" }));
      root.appendChild(group);
    }
  });
}

/** A tick per day (or every few hours on a short span), and the unit under the axis. */
export function drawAxis(root: SVGElement, frame: Frame, scale: ChartScale, stepName: string): void {
  const { from, to } = scale;
  const span = to - from;
  const tick = span <= 2 * DAY ? (span <= 12 * HOUR ? HOUR : 6 * HOUR) : span <= 20 * DAY ? DAY : 7 * DAY;
  for (let t = Math.ceil(from / tick) * tick; t <= to; t += tick) {
    const tx = frame.x(t);
    root.appendChild(svg("line", { x1: tx, x2: tx, y1: TOP, y2: frame.axisY, class: "grid" }));
    if (tx > frame.width - 36) continue; // its label would be cut at the edge
    const label = svg("text", { x: tx, y: frame.axisY + 14, class: "tick", "text-anchor": "middle" });
    const iso = new Date(t).toISOString();
    label.textContent = tick >= DAY ? iso.slice(0, 10) : t % DAY === 0 ? iso.slice(5, 10) : `${iso.slice(11, 16)}`;
    root.appendChild(label);
  }
  const unit = svg("text", { x: frame.width - 10, y: frame.axisY + 30, class: "tick", "text-anchor": "end" });
  unit.textContent = `UTC, one bar per ${stepName}`;
  root.appendChild(unit);
}
