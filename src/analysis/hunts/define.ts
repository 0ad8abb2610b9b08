/**
 * `defineHunt`: the opening every hunt shares (its settings section, the enabled check) and its
 * tools: typed events (the body decoded once into the event union), the capped id list, and
 * findings with the hunt's rule and technique filled in.
 */
import { EVENTS } from "../../model/columns.js";
import type { EventKind, MailEvent } from "../../model/events.js";
import type { CaseStore } from "../../store/case-store.js";
import { STORED_EVENT, storedEventsSql, toMailEvent } from "../../store/stored-event.js";
import type { Finding, Hunt, HuntConfig } from "../findings.js";
import { LIVE_EVENTS } from "../views.js";
import { finding, idListSql, maxEventIds, Settings, type FindingParts } from "./common.js";

/** A stored event of one kind. */
export type EventOf<K extends EventKind> = Extract<MailEvent, { kind: K }>;

/** A finding's parts; `rule`, `technique` and `techniqueName` default to the hunt's. */
export type HuntFindingParts = Omit<FindingParts, "rule" | "technique" | "techniqueName"> & Partial<Pick<FindingParts, "rule" | "technique" | "techniqueName">>;

export interface HuntTools {
  readonly store: CaseStore;
  readonly config: HuntConfig;
  /** This hunt's section of rules/hunts.yaml. */
  readonly s: Settings;
  readonly technique: string;
  readonly techniqueName: string;
  /** `list(id ORDER BY ts, id)` capped at `common.max_event_ids`, over `alias` if given. */
  idList(alias?: string): string;
  /** The live events of one kind matching `where` (SQL over the events aliased `e`), in time order. */
  events<K extends EventKind>(kind: K, where: string): AsyncGenerator<EventOf<K>>;
  finding(parts: HuntFindingParts): Finding;
}

export interface HuntSpec {
  /** Also the rule name of its findings and its section in rules/hunts.yaml. */
  id: string;
  title: string;
  technique: string;
  techniqueName: string;
  run(tools: HuntTools): Promise<Finding[]>;
}

export function defineHunt(spec: HuntSpec): Hunt {
  return {
    id: spec.id,
    title: spec.title,
    technique: spec.technique,
    techniqueName: spec.techniqueName,
    async run({ store, config }) {
      const s = Settings.of(config, spec.id);
      if (!s.enabled) return [];
      return spec.run({
        store,
        config,
        s,
        technique: spec.technique,
        techniqueName: spec.techniqueName,
        idList: (alias) => idListSql(maxEventIds(config), alias),
        async *events(kind, where) {
          const sql = storedEventsSql(LIVE_EVENTS, `e.${EVENTS.col.kind} = $1 AND (${where})`);
          for await (const rows of store.streamRows(STORED_EVENT, sql, [kind])) {
            for (const row of rows) yield toMailEvent(row) as EventOf<typeof kind>;
          }
        },
        finding: (parts) => finding({ rule: spec.id, technique: spec.technique, techniqueName: spec.techniqueName, ...parts }),
      });
    },
  };
}
