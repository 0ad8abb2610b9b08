/** "Activity over time": events per source, attacker against normal, with the key moments. */
import { section, type Report } from "./context.js";
import { add, button, el, svg } from "./dom.js";
import { time } from "./format.js";
import { chartScale, slotCounts, stepName } from "./chart-scale.js";
import { drawMoments } from "./chart-moments.js";
import { chartFrame, drawAxis, drawPanels } from "./chart-svg.js";

export function chart(report: Report): void {
  const { data } = report;
  const node = section(
    report,
    "activity",
    "Activity over time",
    "Events per source, attacker (red) against normal activity (grey). Numbered lines mark the key moments listed below the chart. Times are UTC.",
  );
  if (data.range.events === 0) {
    node.appendChild(el("p", "missing", "The case has no timeline.jsonl or no events: nothing to draw."));
    return;
  }
  const controls = el("div", "controls");
  const holder = el("div", "chart");
  const legend = el("ol", "moments");
  let whole = data.attacker.length === 0;
  const toggle = button("", () => {
    whole = !whole;
    draw();
  });
  if (data.attacker.length > 0) controls.appendChild(toggle);
  add(node, controls, holder, el("h3", undefined, "Key moments"), legend);

  function draw(): void {
    const scale = chartScale(data, whole);
    toggle.textContent = whole ? "Zoom to the attack" : "Show the whole period";
    const sources = data.chart.sources;
    const frame = chartFrame(scale, sources.length);
    const name = stepName(scale.step);
    const root = svg("svg", { viewBox: `0 0 ${frame.width} ${frame.height}`, role: "img", class: "chart-svg" });
    const title = svg("title", {});
    title.textContent = `Events per ${name} and source, attacker against normal, ${time(scale.from)} to ${time(scale.to)}`;
    root.appendChild(title);
    drawPanels(root, frame, scale, sources.map(report.sourceName), slotCounts(scale, sources.length));
    drawAxis(root, frame, scale, name);
    drawMoments(root, legend, frame, scale, data.moments, report.sourceName);
    holder.replaceChildren(root);
  }
  draw();
}
