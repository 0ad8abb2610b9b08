/** The key moments: a numbered marker on the chart for each (or each cluster), and the list under it. */
import type { Moment } from "../data.js";
import { add, el, svg } from "./dom.js";
import { time } from "./format.js";
import type { ChartScale } from "./chart-scale.js";
import type { Frame } from "./chart-svg.js";

const MOMENT_COLOURS: Record<string, string> = {
  "first-failure": "#b26b00",
  "first-success": "#b00020",
  rule: "#6a1b9a",
  forwarding: "#6a1b9a",
  permission: "#6a1b9a",
  "bulk-read": "#0d47a1",
  send: "#1b5e20",
};

/** Moments closer than a marker's width share one marker, numbered "2–5". */
interface Cluster {
  x: number;
  first: number;
  last: number;
  moments: Moment[];
}

export function drawMoments(root: SVGElement, legend: HTMLElement, frame: Frame, scale: ChartScale, moments: Moment[], sourceName: (format: string) => string): void {
  const { top } = frame;
  legend.replaceChildren();
  const shown = moments.filter((m) => m.ts >= scale.from && m.ts <= scale.to);
  const clusters: Cluster[] = [];
  shown.forEach((moment: Moment, index) => {
    const mx = frame.x(moment.ts);
    const colour = MOMENT_COLOURS[moment.type] ?? "#333";
    root.appendChild(svg("line", { x1: mx, x2: mx, y1: top - 4, y2: frame.axisY, stroke: colour, class: "moment" }));
    const previous = clusters[clusters.length - 1];
    if (previous && mx - previous.x < 22) {
      previous.last = index + 1;
      previous.moments.push(moment);
    } else clusters.push({ x: mx, first: index + 1, last: index + 1, moments: [moment] });
    const item = el("li", undefined, el("span", "when", time(moment.ts)), " ", moment.label, " ", el("span", "small", `(${sourceName(moment.source)})`));
    item.dataset["type"] = moment.type;
    legend.appendChild(item);
  });
  for (const cluster of clusters) {
    const label = cluster.first === cluster.last ? String(cluster.first) : `${cluster.first}–${cluster.last}`;
    const w = Math.max(16, label.length * 7 + 8);
    const colour = cluster.moments.length === 1 ? (MOMENT_COLOURS[cluster.moments[0]?.type ?? ""] ?? "#333") : "#37474f";
    const mark = svg("rect", { x: cluster.x - w / 2, y: top - 20, width: w, height: 16, rx: 8, fill: colour });
    const tip = svg("title", {});
    tip.textContent = cluster.moments.map((m) => `${time(m.ts)} ${m.label}`).join("\n");
    mark.appendChild(tip);
    const number = svg("text", { x: cluster.x, y: top - 8, class: "moment-no", "text-anchor": "middle" });
    number.textContent = label;
    add(root, mark, number);
  }
  if (shown.length === 0) legend.appendChild(el("li", "missing", "No key moment in this period."));
}
