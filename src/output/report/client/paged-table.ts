/** A table shown one page at a time, with sortable columns: cheap with 100 k rows. */
import { add, button, el, type Child } from "./dom.js";
import { fmt } from "./format.js";

export interface Column<T> {
  label: string;
  cell: (row: T) => Child | Child[];
  sort?: (a: T, b: T) => number;
  className?: string;
}

export interface Paged<T> {
  node: HTMLElement;
  setRows: (rows: T[]) => void;
}

export interface RowOptions<T> {
  attrs?: (row: T, tr: HTMLElement) => void;
  /** A second, full-width line under each row (provenance). */
  sub?: (row: T) => Child[];
}

export const byText = <T,>(get: (row: T) => string) => (a: T, b: T): number => get(a).localeCompare(get(b));
export const byNumber = <T,>(get: (row: T) => number) => (a: T, b: T): number => get(a) - get(b);

export function pagedTable<T>(name: string, columns: Column<T>[], pageSize: number, options: RowOptions<T> = {}): Paged<T> {
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
