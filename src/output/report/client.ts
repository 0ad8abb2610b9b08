/**
 * The script of report.html. `reportClient.toString()` is embedded in the page, so this function
 * must be self-contained: it uses nothing from this module or others except types, and receives
 * the row layout as its argument. Every value from the case is inserted as text (createTextNode,
 * textContent) or as a non-executable attribute; no markup is ever built from data.
 */
import type { AttackerAddress, AttackerRow, COL as ColLayout, EvidenceFile, Moment, ReportData, ReportFinding, Table } from "./data.js";

/** The formats registry's display names, written into the script by page.ts (clientScript). */
declare const SOURCE_DISPLAY_NAMES: Record<string, string>;

export function reportClient(COL: typeof ColLayout): void {
  const dataNode = document.getElementById("report-data");
  const data = JSON.parse(dataNode?.textContent ?? "null") as ReportData;
  const root = document.getElementById("report");
  if (!data || !root) return;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const summary = data.summary ?? {};

  // ---------- small helpers ----------
  type Child = Node | string | number | null | undefined | false;
  const str = (index: number): string => (index >= 0 ? (data.strings[index] ?? "") : "");
  const add = (parent: Node, ...children: Child[]): void => {
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      parent.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
  };
  const el = (tag: string, className?: string, ...children: Child[]): HTMLElement => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    add(node, ...children);
    return node;
  };
  const svg = (tag: string, attrs: Record<string, string | number>): SVGElement => {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
    return node;
  };
  const fmt = (n: unknown): string => (typeof n === "number" && Number.isFinite(n) ? n.toLocaleString("en-US") : "—");
  const time = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "");
  const isoTime = (iso: string): string => {
    const ms = Date.parse(iso);
    return iso === "" ? "" : Number.isFinite(ms) ? time(ms) : iso;
  };
  const plural = (n: number, one: string, many = `${one}s`): string => `${fmt(n)} ${n === 1 ? one : many}`;
  const listText = (items: string[], max: number): string =>
    items.length <= max ? items.join(", ") : `${items.slice(0, max).join(", ")} and ${fmt(items.length - max)} more`;
  const section = (id: string, title: string, intro?: string): HTMLElement => {
    const node = el("section", "card");
    node.id = id;
    add(node, el("h2", undefined, title), intro ? el("p", "intro", intro) : null);
    root.appendChild(node);
    return node;
  };
  const notComputed = (what: string): HTMLElement => el("p", "missing", `${what}: not computed for this case (the file is not in the case folder).`);
  const button = (label: string, onClick: () => void, className = "btn"): HTMLButtonElement => {
    const node = el("button", className, label) as HTMLButtonElement;
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  };
  const select = (label: string, values: string[], onChange: (value: string) => void, allLabel = "all"): HTMLElement => {
    const wrap = el("label", "field", el("span", undefined, label));
    const box = document.createElement("select");
    const all = document.createElement("option");
    all.value = "";
    all.textContent = allLabel;
    box.appendChild(all);
    for (const value of values) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      box.appendChild(option);
    }
    box.addEventListener("change", () => onChange(box.value));
    wrap.appendChild(box);
    return wrap;
  };

  /** A table shown one page at a time: cheap with 100 k rows. */
  interface Column<T> {
    label: string;
    cell: (row: T) => Child | Child[];
    sort?: (a: T, b: T) => number;
    className?: string;
  }
  interface Paged<T> {
    node: HTMLElement;
    setRows: (rows: T[]) => void;
  }
  interface RowOptions<T> {
    attrs?: (row: T, tr: HTMLElement) => void;
    /** A second, full-width line under each row (provenance). */
    sub?: (row: T) => Child[];
  }
  function pagedTable<T>(name: string, columns: Column<T>[], pageSize: number, options: RowOptions<T> = {}): Paged<T> {
    const node = el("div", "paged");
    node.dataset["table"] = name;
    const status = el("p", "status");
    status.setAttribute("aria-live", "polite");
    const scroller = el("div", "scroller");
    const table = el("table");
    const thead = el("thead");
    const headRow = el("tr");
    const tbody = el("tbody");
    const pager = el("div", "pager");
    let rows: T[] = [];
    let sorted: T[] = [];
    let page = 0;
    let sortColumn = -1;
    let sortDir = 1;
    const ths: HTMLElement[] = [];
    columns.forEach((column, index) => {
      const th = el("th", column.className);
      th.setAttribute("scope", "col");
      if (column.sort) {
        th.appendChild(button(column.label, () => {
          sortDir = sortColumn === index ? -sortDir : 1;
          sortColumn = index;
          applySort();
        }, "sort"));
        th.setAttribute("aria-sort", "none");
      } else add(th, column.label);
      ths.push(th);
      headRow.appendChild(th);
    });
    thead.appendChild(headRow);
    add(table, thead, tbody);
    scroller.appendChild(table);
    const prev = button("◀ Previous", () => show(page - 1));
    const next = button("Next ▶", () => show(page + 1));
    const pageLabel = el("span", "page-label");
    add(pager, prev, pageLabel, next);
    add(node, status, scroller, pager);

    function applySort(): void {
      const column = columns[sortColumn];
      sorted = column?.sort ? [...rows].sort((a, b) => sortDir * (column.sort as (a: T, b: T) => number)(a, b)) : rows;
      ths.forEach((th, index) => {
        if (columns[index]?.sort) th.setAttribute("aria-sort", index === sortColumn ? (sortDir > 0 ? "ascending" : "descending") : "none");
      });
      show(0);
    }
    function show(target: number): void {
      const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
      page = Math.min(Math.max(0, target), pages - 1);
      tbody.replaceChildren();
      const start = page * pageSize;
      const slice = sorted.slice(start, start + pageSize);
      for (const row of slice) {
        const tr = el("tr");
        for (const column of columns) {
          const td = el("td", column.className);
          const content = column.cell(row);
          add(td, ...(Array.isArray(content) ? content : [content]));
          tr.appendChild(td);
        }
        options.attrs?.(row, tr);
        tbody.appendChild(tr);
        if (options.sub) {
          tr.classList.add("has-sub");
          const td = el("td", "sub", ...options.sub(row));
          td.setAttribute("colspan", String(columns.length));
          const subRow = el("tr", "sub", td);
          tbody.appendChild(subRow);
        }
      }
      status.textContent = sorted.length === 0 ? "Nothing to show." : `Showing ${fmt(start + 1)}–${fmt(start + slice.length)} of ${fmt(sorted.length)}.`;
      pageLabel.textContent = `Page ${fmt(page + 1)} of ${fmt(pages)}`;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
      pager.hidden = pages <= 1;
    }
    return {
      node,
      setRows(next: T[]): void {
        rows = next;
        applySort();
      },
    };
  }
  /** `a;b` lists from the CSV files, spaced so they wrap. */
  const spaced = (value: string | undefined): string => (value ?? "").split(";").filter((part) => part !== "").join(", ");
  const byText = <T,>(get: (row: T) => string) => (a: T, b: T): number => get(a).localeCompare(get(b));
  const byNumber = <T,>(get: (row: T) => number) => (a: T, b: T): number => get(a) - get(b);

  // ---------- derived facts ----------
  const affectedCounts = (summary["affected"] ?? null) as Record<string, number> | null;
  const affectedRows = (table: Table | null): Record<string, string>[] =>
    table ? table.rows.map((cells) => Object.fromEntries(table.columns.map((column, index) => [column, cells[index] ?? ""]))) : [];
  const affected = affectedRows(data.affected);
  const exposed = affectedRows(data.exposed);
  const compromised = data.affected ? affected.filter((row) => row["account_compromised"] === "yes").map((row) => row["email"] || row["display_name"] || "") : data.signedIn;
  const exposedCount = typeof summary["exposed_messages"] === "number" ? (summary["exposed_messages"] as number) : data.exposed ? exposed.length : null;
  const attackerEvents = typeof summary["attacker_events"] === "number" ? (summary["attacker_events"] as number) : data.attacker.length;
  const LEVELS = ["confirmed", "likely", "attempted", "correspondent"];
  const LEVEL_TEXT: Record<string, string> = {
    confirmed: "Logs show the attacker read mail in these mailboxes, item by item.",
    likely: "The attacker signed in to these accounts or held access to the mailbox, but no log shows which messages were read.",
    attempted: "The attacker tried to sign in to these accounts and did not succeed.",
    correspondent: "Their own accounts were not touched, but they sent or received messages the attacker read elsewhere.",
  };

  // ---------- headline ----------
  function headline(): void {
    const node = section("summary", "What happened");
    const story = el("div", "story");
    if (data.attacker.length === 0) {
      add(story, el("p", undefined, "No activity in this case is marked as the attacker's: no indicator matched and no hunt flagged an event. That does not prove there was no intrusion; see what the analysis could not see, below."));
    } else {
      const r = data.range;
      add(
        story,
        el("p", "lead", `Between ${time(r.attackerFirst)} and ${time(r.attackerLast)}, ${plural(attackerEvents, "event")} in the evidence were made by the attacker, from ${plural(data.addresses.length, "network address", "network addresses")}.`),
        el(
          "p",
          undefined,
          data.targeted.length > 0 ? `The attacker tried to sign in to ${plural(data.targeted.length, "account")}` : "No attacker sign-in attempt is recorded",
          data.targeted.length > 0 ? (compromised.length > 0 ? ` and got into ${plural(compromised.length, "account")}: ${listText(compromised, 8)}.` : ", none successfully.") : ".",
        ),
      );
      const reads = data.attacker.filter((row) => str(row[COL.kind]) === "mail.read").length;
      const changes = data.attacker.filter((row) => str(row[COL.kind]) === "mailbox.config").length;
      const sends = data.attacker.filter((row) => str(row[COL.kind]) === "mail.send").length;
      add(story, el("p", undefined, `In those accounts the attacker's recorded actions include ${plural(reads, "mail read event")}, ${plural(changes, "mailbox setting change")} (inbox rules, forwarding, permissions) and ${plural(sends, "message sent", "messages sent")}.`));
    }
    node.appendChild(story);

    const figures = el("div", "figures");
    const figure = (name: string, value: number | null, label: string, note?: string): void => {
      const box = el("div", "figure");
      box.dataset["figure"] = name;
      const number = el("span", "value", value === null ? "not computed" : fmt(value));
      if (value === null) number.classList.add("na");
      add(box, number, el("span", "label", label), note ? el("span", "note", note) : null);
      figures.appendChild(box);
    };
    figure("compromised", compromised.length, "accounts compromised", data.affected ? "from the affected list" : "successful attacker sign-ins");
    figure("addresses", data.addresses.length, "attacker addresses");
    figure("attacker-events", attackerEvents, "attacker events", `of ${fmt(summary["events"])} events`);
    figure("exposed-messages", exposedCount, "messages exposed");
    for (const level of LEVELS) figure(`affected-${level}`, affectedCounts ? (affectedCounts[level] ?? 0) : null, `people: ${level}`);
    node.appendChild(figures);

    node.appendChild(el("h3", undefined, "From where"));
    if (data.addresses.length === 0) node.appendChild(el("p", undefined, "No attacker address is known."));
    else {
      const table = pagedTable<AttackerAddress>(
        "addresses",
        [
          { label: "Address", cell: (a) => el("span", "mono", a.ip), sort: byText((a) => a.ip) },
          { label: "Country", cell: (a) => a.countries.join(", ") || "unknown", sort: byText((a) => a.countries.join(",")) },
          { label: "Events", cell: (a) => fmt(a.events), sort: byNumber((a) => a.events), className: "num" },
          { label: "First seen", cell: (a) => time(a.first), sort: byNumber((a) => a.first) },
          { label: "Last seen", cell: (a) => time(a.last), sort: byNumber((a) => a.last) },
          { label: "Accounts", cell: (a) => listText(a.accounts, 5) + (a.accountsTotal > a.accounts.length ? ` (${fmt(a.accountsTotal)} in all)` : "") },
          { label: "Why it is the attacker", cell: (a) => a.reasons.join("; "), className: "small" },
        ],
        10,
      );
      table.setRows(data.addresses);
      node.appendChild(table.node);
    }
  }

  // ---------- chart ----------
  /** What a director calls each log source; unknown parsers keep their own name. */
  const SOURCE_NAMES: Record<string, string> = SOURCE_DISPLAY_NAMES;
  const sourceName = (parser: string): string => SOURCE_NAMES[parser] ?? parser;
  const MOMENT_COLOURS: Record<string, string> = {
    "first-failure": "#b26b00",
    "first-success": "#b00020",
    rule: "#6a1b9a",
    forwarding: "#6a1b9a",
    permission: "#6a1b9a",
    "bulk-read": "#0d47a1",
    send: "#1b5e20",
  };
  function chart(): void {
    const node = section(
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
      toggle.textContent = whole ? "Zoom to the attack" : "Show the whole period";
      const sources = data.chart.sources;
      const counts = sources.map(() => ({ normal: new Array<number>(slots).fill(0), attacker: new Array<number>(slots).fill(0) }));
      const unitMs = fine ? fine.step : HOUR;
      for (const [unit, source, normal, attacker] of fine ? fine.buckets : data.chart.buckets) {
        const slot = Math.floor((unit * unitMs - from) / step);
        const target = counts[source];
        if (!target || slot < 0 || slot >= slots) continue;
        target.normal[slot] = (target.normal[slot] ?? 0) + normal;
        target.attacker[slot] = (target.attacker[slot] ?? 0) + attacker;
      }
      const stepName = step === DAY ? "day" : step === HOUR ? "hour" : `${step / 60_000} minutes`;
      const perStep = step === DAY ? "day" : step === HOUR ? "h" : `${step / 60_000} min`;
      const width = 900;
      const left = 200;
      const panel = 56;
      const gap = 10;
      const top = 26;
      const axis = 34;
      const height = top + sources.length * (panel + gap) + axis;
      const plot = width - left - 10;
      const x = (ms: number): number => left + ((ms - from) / (to - from)) * plot;
      const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart-svg" });
      const title = svg("title", {});
      title.textContent = `Events per ${stepName} and source, attacker against normal, ${time(from)} to ${time(to)}`;
      root.appendChild(title);
      const barWidth = Math.max(1, plot / slots - (plot / slots > 4 ? 1 : 0));
      sources.forEach((source, index) => {
        const y0 = top + index * (panel + gap);
        const series = counts[index];
        if (!series) return;
        const max = Math.max(1, ...series.normal.map((n, slot) => n + (series.attacker[slot] ?? 0)));
        root.appendChild(svg("rect", { x: left, y: y0, width: plot, height: panel, class: "panel" }));
        const name = svg("text", { x: left - 8, y: y0 + panel / 2, class: "source", "text-anchor": "end", "dominant-baseline": "middle" });
        name.textContent = sourceName(source);
        const maxLabel = svg("text", { x: left - 8, y: y0 + panel - 2, class: "max", "text-anchor": "end" });
        maxLabel.textContent = `max ${fmt(max)} per ${perStep}`;
        add(root, name, maxLabel);
        for (let slot = 0; slot < slots; slot += 1) {
          const normal = series.normal[slot] ?? 0;
          const attacker = series.attacker[slot] ?? 0;
          if (normal + attacker === 0) continue;
          const bx = x(from + slot * step);
          const hn = (normal / max) * panel;
          const ha = (attacker / max) * panel;
          const group = svg("g", {});
          const tip = svg("title", {});
          tip.textContent = `${sourceName(source)}, ${time(from + slot * step)}: ${fmt(attacker)} attacker, ${fmt(normal)} normal`;
          group.appendChild(tip);
          if (normal > 0) group.appendChild(svg("rect", { x: bx, y: y0 + panel - hn, width: barWidth, height: Math.max(hn, 1), class: "normal" }));
          if (attacker > 0) group.appendChild(svg("rect", { x: bx, y: y0 + panel - hn - ha, width: barWidth, height: Math.max(ha, 1), class: "attacker" }));
          root.appendChild(group);
        }
      });
      // Axis: a tick per day (or every few hours on a short span).
      const axisY = top + sources.length * (panel + gap);
      const span = to - from;
      const tick = span <= 2 * DAY ? (span <= 12 * HOUR ? HOUR : 6 * HOUR) : span <= 20 * DAY ? DAY : 7 * DAY;
      for (let t = Math.ceil(from / tick) * tick; t <= to; t += tick) {
        const tx = x(t);
        root.appendChild(svg("line", { x1: tx, x2: tx, y1: top, y2: axisY, class: "grid" }));
        if (tx > width - 36) continue; // its label would be cut at the edge
        const label = svg("text", { x: tx, y: axisY + 14, class: "tick", "text-anchor": "middle" });
        const iso = new Date(t).toISOString();
        label.textContent = tick >= DAY ? iso.slice(0, 10) : t % DAY === 0 ? iso.slice(5, 10) : `${iso.slice(11, 16)}`;
        root.appendChild(label);
      }
      const unit = svg("text", { x: width - 10, y: axisY + 30, class: "tick", "text-anchor": "end" });
      unit.textContent = `UTC, one bar per ${stepName}`;
      root.appendChild(unit);
      // Key moments.
      legend.replaceChildren();
      const shown = data.moments.filter((m) => m.ts >= from && m.ts <= to);
      // Moments closer than a marker's width share one marker, numbered "2–5".
      const clusters: { x: number; first: number; last: number; moments: Moment[] }[] = [];
      shown.forEach((moment: Moment, index) => {
        const mx = x(moment.ts);
        const colour = MOMENT_COLOURS[moment.type] ?? "#333";
        root.appendChild(svg("line", { x1: mx, x2: mx, y1: top - 4, y2: axisY, stroke: colour, class: "moment" }));
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
      holder.replaceChildren(root);
    }
    draw();
  }

  // ---------- attacker timeline ----------
  const timelineFilter = { account: "", ip: "", kind: "", source: "", text: "", finding: null as ReportFinding | null };
  let applyTimelineFilter: () => void = () => undefined;
  function timeline(): void {
    const node = section(
      "timeline",
      "The attacker's actions",
      "Every event attributed to the attacker, with where it was found in the evidence (file, line or record, SHA-256 of the file). Filter and sort below; normal activity is in timeline.csv.",
    );
    const rows = data.attacker;
    if (rows.length === 0) {
      node.appendChild(el("p", "missing", "No attacker event in this case."));
      return;
    }
    const distinct = (get: (row: AttackerRow) => string[]): string[] => {
      const set = new Set<string>();
      for (const row of rows) for (const value of get(row)) if (value) set.add(value);
      return [...set].sort();
    };
    const controls = el("div", "controls filters");
    const findingChip = el("div", "chip");
    findingChip.hidden = true;
    const search = document.createElement("input");
    search.type = "search";
    search.placeholder = "search detail, user agent, file…";
    search.addEventListener("input", () => {
      timelineFilter.text = search.value.toLowerCase();
      apply();
    });
    add(
      controls,
      select("Account", distinct((row) => [str(row[COL.user]), str(row[COL.mailbox])]), (v) => ((timelineFilter.account = v), apply())),
      select("Address", distinct((row) => [str(row[COL.ip])]), (v) => ((timelineFilter.ip = v), apply())),
      select("Kind", distinct((row) => [str(row[COL.kind])]), (v) => ((timelineFilter.kind = v), apply())),
      select("Source", distinct((row) => [str(row[COL.parser])]), (v) => ((timelineFilter.source = v), apply())),
      el("label", "field", el("span", undefined, "Search"), search),
    );
    const table = pagedTable<AttackerRow>(
      "timeline",
      [
        { label: "Time (UTC)", cell: (row) => time(row[COL.ts]), sort: byNumber((row) => row[COL.ts]), className: "nowrap" },
        {
          label: "What",
          cell: (row) => [el("strong", undefined, str(row[COL.action]) || str(row[COL.kind])), el("br"), el("span", "small", str(row[COL.kind])), str(row[COL.result]) ? el("span", `result ${str(row[COL.result])}`, str(row[COL.result])) : null],
          sort: byText((row) => str(row[COL.kind]) + str(row[COL.action])),
        },
        {
          label: "Account",
          cell: (row) => {
            const user = str(row[COL.user]);
            const mailbox = str(row[COL.mailbox]);
            return [user || mailbox, mailbox && user && mailbox !== user ? el("span", "small block", `mailbox ${mailbox}`) : null];
          },
          sort: byText((row) => str(row[COL.user]) || str(row[COL.mailbox])),
        },
        {
          label: "From",
          cell: (row) => [el("span", "mono", str(row[COL.ip])), str(row[COL.country]) ? ` (${str(row[COL.country])})` : null, str(row[COL.userAgent]) ? el("span", "small block", str(row[COL.userAgent])) : null],
          sort: byText((row) => str(row[COL.ip])),
        },
        {
          label: "Detail",
          cell: (row) => [str(row[COL.detail]), row[COL.count] > 0 ? el("span", "small block", plural(row[COL.count], "message")) : null],
          className: "detail",
        },
      ],
      100,
      {
        attrs: (row, tr) => {
          tr.dataset["eventId"] = row[COL.id];
        },
        sub: (row) => {
          const sha = str(row[COL.sha256]);
          const hash = el("span", "mono", sha ? `${sha.slice(0, 16)}…` : "unknown");
          if (sha) hash.title = sha;
          const reasons = str(row[COL.reasons]);
          return [
            el("span", "prov", "Found in ", el("span", "mono", str(row[COL.file])), `, ${str(row[COL.ref])} (read as ${str(row[COL.parser])}; file SHA-256 `, hash, ")"),
            reasons ? el("span", "why block", `Why the attacker: ${reasons}`) : null,
          ];
        },
      },
    );
    add(node, controls, findingChip, table.node);

    function matches(row: AttackerRow, ids: Set<string> | null): boolean {
      const f = timelineFilter;
      if (ids && !ids.has(row[COL.id])) return false;
      if (f.account && str(row[COL.user]) !== f.account && str(row[COL.mailbox]) !== f.account) return false;
      if (f.ip && str(row[COL.ip]) !== f.ip) return false;
      if (f.kind && str(row[COL.kind]) !== f.kind) return false;
      if (f.source && str(row[COL.parser]) !== f.source) return false;
      if (f.text) {
        const hay = [COL.detail, COL.userAgent, COL.file, COL.action, COL.reasons, COL.session].map((c) => str(row[c] as number)).join(" ").toLowerCase();
        if (!hay.includes(f.text) && !row[COL.id].toLowerCase().includes(f.text)) return false;
      }
      return true;
    }
    function apply(): void {
      const finding = timelineFilter.finding;
      const ids = finding ? new Set(finding.eventIds) : null;
      findingChip.replaceChildren();
      findingChip.hidden = !finding;
      if (finding) {
        add(findingChip, `Only the events of the finding “${finding.title}”`, finding.eventCount > finding.eventIds.length ? ` (its first ${fmt(finding.eventIds.length)} events)` : "", " ", button("show all", () => ((timelineFilter.finding = null), apply()), "btn small"));
      }
      table.setRows(rows.filter((row) => matches(row, ids)));
    }
    applyTimelineFilter = apply;
    apply();
  }

  // ---------- affected people ----------
  function people(): void {
    const node = section("affected", "Affected people", "Everyone whose mail the attacker reached or tried to reach, strongest exposure first, with the reason for each.");
    if (!data.affected) {
      node.appendChild(notComputed("Affected people"));
      return;
    }
    const levels = [...LEVELS, ...new Set(affected.map((row) => row["exposure"] ?? "").filter((level) => !LEVELS.includes(level)))];
    for (const level of levels) {
      const group = affected.filter((row) => row["exposure"] === level);
      const box = el("div", "group");
      box.dataset["level"] = level;
      add(box, el("h3", undefined, `${level || "(no level)"}: ${plural(group.length, "person", "people")}`), LEVEL_TEXT[level] ? el("p", "intro", LEVEL_TEXT[level]) : null);
      if (group.length > 0) {
        const table = pagedTable<Record<string, string>>(
          `affected-${level}`,
          [
            { label: "Person", cell: (p) => [p["display_name"] || p["email"] || "", p["display_name"] && p["email"] ? el("span", "small block", p["email"]) : null, p["employee_id"] ? null : el("span", "small block", "no employee id (shared mailbox or unknown)")], sort: byText((p) => p["display_name"] || p["email"] || "") },
            { label: "Department", cell: (p) => p["department"] ?? "", sort: byText((p) => p["department"] ?? "") },
            { label: "Account compromised", cell: (p) => (p["account_compromised"] === "yes" ? el("strong", "bad", "yes") : p["account_compromised"] ?? "") },
            { label: "Attacker activity", cell: (p) => [isoTime(p["first_attacker_activity"] ?? ""), p["last_attacker_activity"] ? el("span", "small block", `to ${isoTime(p["last_attacker_activity"])}`) : null], sort: byText((p) => p["first_attacker_activity"] ?? "") },
            { label: "Messages exposed", cell: (p) => [p["messages_exposed"] ?? "", p["messages_as_correspondent"] && p["messages_as_correspondent"] !== "0" ? el("span", "small block", `${p["messages_as_correspondent"]} as correspondent`) : null], className: "num", sort: byNumber((p) => Number(p["messages_exposed"] ?? 0) + Number(p["messages_as_correspondent"] ?? 0)) },
            { label: "Attacker addresses", cell: (p) => el("span", "mono small", spaced(p["attacker_ips"])) },
          ],
          50,
          { sub: (p) => [el("span", "why", `Why: ${p["reasons"] ?? ""}`)] },
        );
        table.setRows(group);
        box.appendChild(table.node);
      }
      node.appendChild(box);
    }
  }

  // ---------- exposed messages ----------
  function messages(): void {
    const node = section("messages", "Exposed messages", "Messages the attacker read or touched, per mailbox. Subjects and senders are shown as recorded, including anything the attacker wrote.");
    if (!data.exposed) {
      node.appendChild(notComputed("Exposed messages"));
      return;
    }
    const perMailbox = new Map<string, { count: number; access: Set<string> }>();
    for (const row of exposed) {
      const entry = perMailbox.get(row["mailbox"] ?? "") ?? { count: 0, access: new Set<string>() };
      entry.count += 1;
      for (const how of (row["access"] ?? "").split(";")) if (how) entry.access.add(how);
      perMailbox.set(row["mailbox"] ?? "", entry);
    }
    const overview = pagedTable<[string, { count: number; access: Set<string> }]>(
      "mailboxes",
      [
        { label: "Mailbox", cell: ([mailbox]) => mailbox || "(unknown)", sort: byText(([mailbox]) => mailbox) },
        { label: "Messages", cell: ([, e]) => fmt(e.count), className: "num", sort: byNumber(([, e]) => e.count) },
        { label: "How", cell: ([, e]) => [...e.access].sort().join(", ") },
      ],
      25,
    );
    overview.setRows([...perMailbox.entries()].sort((a, b) => b[1].count - a[1].count));
    const list = pagedTable<Record<string, string>>(
      "exposed",
      [
        { label: "Mailbox / folder", cell: (m) => [m["mailbox"] ?? "", el("span", "small block", m["folder"] ?? "")], sort: byText((m) => (m["mailbox"] ?? "") + (m["folder"] ?? "")) },
        { label: "Date", cell: (m) => isoTime(m["date"] ?? ""), sort: byText((m) => m["date"] ?? ""), className: "nowrap" },
        { label: "From / to", cell: (m) => [m["from"] ?? "", m["to"] ? el("span", "small block", `to ${m["to"]}`) : null], sort: byText((m) => m["from"] ?? "") },
        { label: "Subject", cell: (m) => [m["subject"] || el("span", "small", m["message_id"] ?? ""), m["attachments"] ? el("span", "small block", `attachments: ${m["attachments"]}`) : null], className: "detail", sort: byText((m) => m["subject"] ?? "") },
        { label: "Access", cell: (m) => [spaced(m["access"]), el("span", "small block", isoTime(m["first_access"] ?? ""))], sort: byText((m) => m["first_access"] ?? "") },
        { label: "Attacker addresses", cell: (m) => el("span", "mono small", spaced(m["attacker_ips"])) },
      ],
      50,
    );
    let mailboxFilter = "";
    const refresh = (): void => list.setRows(mailboxFilter ? exposed.filter((m) => m["mailbox"] === mailboxFilter) : exposed);
    add(node, overview.node, el("h3", undefined, "The messages"), el("div", "controls", select("Mailbox", [...perMailbox.keys()].sort(), (v) => ((mailboxFilter = v), refresh()))), list.node);
    refresh();
  }

  // ---------- findings ----------
  const SEVERITY = ["critical", "high", "medium", "low", "info"];
  function findings(): void {
    const node = section("findings", "Findings", "What the hunts and indicators found, most severe first, with the MITRE ATT&CK technique.");
    if (!data.findings) {
      node.appendChild(notComputed("Findings"));
      return;
    }
    if (data.findings.length === 0) {
      node.appendChild(el("p", undefined, "No finding."));
      return;
    }
    const rank = (f: ReportFinding): number => {
      const at = SEVERITY.indexOf(f.severity);
      return at < 0 ? SEVERITY.length : at;
    };
    const sorted = [...data.findings].sort((a, b) => rank(a) - rank(b) || a.first.localeCompare(b.first) || a.id.localeCompare(b.id));
    const list = el("div", "findings");
    const attackerIds = new Set(data.attacker.map((row) => row[COL.id]));
    const folded = sorted.filter((f) => rank(f) > SEVERITY.indexOf("high"));
    const more = el("details", "more-findings");
    if (folded.length > 0) {
      add(more, el("summary", undefined, `${plural(folded.length, "more finding")} of medium or lower severity`));
      add(list, el("p", "small", `${plural(sorted.length - folded.length, "finding")} of high or critical severity:`));
    }
    for (const finding of sorted) {
      const card = el("article", `finding sev-${SEVERITY.includes(finding.severity) ? finding.severity : "other"}`);
      card.dataset["findingId"] = finding.id;
      const when = finding.first ? `${isoTime(finding.first)}${finding.last && finding.last !== finding.first ? ` to ${isoTime(finding.last)}` : ""}` : "";
      add(
        card,
        el("h3", undefined, el("span", "severity", finding.severity || "?"), " ", finding.title),
        el("p", "small", `${finding.technique} ${finding.techniqueName}`, finding.strength ? ` · link strength: ${finding.strength}` : "", when ? ` · ${when}` : ""),
        el("p", undefined, finding.explanation),
        finding.accounts.length > 0 ? el("p", "small", `Accounts: ${listText(finding.accounts, 10)}`) : null,
        finding.ips.length > 0 ? el("p", "small mono", `Addresses: ${listText(finding.ips, 10)}`) : null,
      );
      const shown = finding.eventIds.filter((id) => attackerIds.has(id)).length;
      if (shown > 0) {
        card.appendChild(
          button(`Show its ${plural(shown, "attacker event")} in the timeline`, () => {
            timelineFilter.finding = finding;
            applyTimelineFilter();
            document.getElementById("timeline")?.scrollIntoView();
          }),
        );
      } else if (finding.eventCount > 0) {
        card.appendChild(el("p", "small", `Its ${plural(finding.eventCount, "event")} are not marked as the attacker's; they are in timeline.csv (ids: ${listText(finding.eventIds, 3)}).`));
      }
      (folded.includes(finding) ? more : list).appendChild(card);
    }
    if (folded.length > 0) list.appendChild(more);
    // A printed report shows the folded findings too.
    window.addEventListener("beforeprint", () => {
      for (const details of document.querySelectorAll("details")) details.open = true;
    });
    node.appendChild(list);
  }

  // ---------- evidence and gaps ----------
  function evidence(): void {
    const node = section("evidence", "The evidence", "The files this report rests on. The SHA-256 lets anyone check that the evidence was not changed since (mailtrail verify).");
    const files = (summary["files"] ?? {}) as Record<string, number>;
    const duplicates = (summary["duplicates_dropped"] ?? {}) as { total?: number };
    const facts = el("p", "facts");
    facts.dataset["figure"] = "evidence";
    add(facts, `${plural(files["total"] ?? data.files.length, "file")} (${fmt(files["parsed"])} read, ${fmt(files["unrecognised"])} not recognised, ${fmt(files["failed"])} failed), ${plural(Number(summary["records"] ?? 0), "record")}, ${plural(Number(summary["events"] ?? 0), "event")} after dropping ${plural(duplicates.total ?? 0, "duplicate")}, ${plural(Number(summary["warnings"] ?? 0), "warning")} (unreadable records, listed in warnings.jsonl).`);
    node.appendChild(facts);
    const table = pagedTable<EvidenceFile>(
      "files",
      [
        { label: "File", cell: (f) => [f.path, f.error ? el("span", "small block bad", f.error) : null], sort: byText((f) => f.path), className: "detail" },
        { label: "Read as", cell: (f) => f.parser || f.format || "not recognised", sort: byText((f) => f.parser || f.format) },
        { label: "Records", cell: (f) => fmt(f.records), className: "num", sort: byNumber((f) => f.records) },
        { label: "Warnings", cell: (f) => fmt(f.warnings), className: "num", sort: byNumber((f) => f.warnings) },
        { label: "SHA-256", cell: (f) => el("span", "mono small hash", f.sha256) },
      ],
      20,
    );
    table.setRows(data.files);
    node.appendChild(table.node);
    if (data.tool.version || data.tool.command) node.appendChild(el("p", "small", `Produced by mailtrail ${data.tool.version}: `, el("span", "mono", data.tool.command)));

    const gaps = section("gaps", "What this report could not see", "Limits of the evidence and of the analysis: read these before concluding that something did not happen.");
    const items = el("ul", "gaps");
    const notes = Array.isArray(summary["notes"]) ? (summary["notes"] as unknown[]).map(String) : [];
    for (const note of [...notes, ...data.readProblems]) items.appendChild(el("li", undefined, note));
    if ((files["unrecognised"] ?? 0) > 0) items.appendChild(el("li", undefined, `${plural(files["unrecognised"] ?? 0, "file")} could not be recognised and were not read.`));
    if ((files["failed"] ?? 0) > 0) items.appendChild(el("li", undefined, `${plural(files["failed"] ?? 0, "file")} failed to read (see the evidence table).`));
    if (!data.findings) items.appendChild(el("li", undefined, "Hunts (findings.json) were not computed for this case."));
    if (!data.affected) items.appendChild(el("li", undefined, "The list of affected people (affected-employees.csv) was not computed for this case."));
    if (!data.exposed) items.appendChild(el("li", undefined, "The exposed messages (exposed-messages.csv) were not computed for this case."));
    if (items.childNodes.length === 0) items.appendChild(el("li", undefined, "No gap recorded."));
    gaps.appendChild(items);
  }

  headline();
  chart();
  findings();
  timeline();
  people();
  messages();
  evidence();
  document.body.dataset["ready"] = "yes";
}
