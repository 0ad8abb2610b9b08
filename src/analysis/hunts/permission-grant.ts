/** Mailbox and folder permission grants (Add-MailboxPermission, folder permissions, SendAs; ATT&CK T1098.002). */
import { eventField } from "../../store/sql.js";
import type { Finding, Severity } from "../findings.js";
import { addressList, lowerSet } from "./common.js";
import { defineHunt } from "./define.js";

const ID = "permission-grant";

/** A rights list as written (`FullAccess`, `ReadItems, CreateItems`, `{Reviewer}`), as words. */
function rightsOf(rights: string | undefined): string[] {
  return (rights ?? "").split(/[\s,;{}]+/).filter((word) => word.length > 0);
}

/** Exchange's own service account provisioning group and system mailboxes. */
function isSystemActor(actor: string, system: Set<string>): boolean {
  if (system.has(actor)) return true;
  for (const entry of system) if (actor.startsWith(`${entry} `)) return true;
  return false;
}

interface Group {
  box: string;
  grantee: string;
  rights: Set<string>;
  ids: string[];
  actors: Set<string>;
  ips: Set<string>;
  actions: Set<string>;
  first: number;
  last: number;
  severity: Severity;
}

export const permissionGrant = defineHunt({
  id: ID,
  title: "Mailbox or folder permission granted",
  technique: "T1098.002",
  techniqueName: "Additional Email Delegate Permissions",
  async run({ s, events, finding }) {
    const admins = lowerSet(s.list("admins"));
    const adminIps = addressList(s, "admin_ips");
    const system = lowerSet(s.list("system_actors"));
    const high = lowerSet(s.list("high_rights"));
    const broad = lowerSet(s.list("broad_grantees"));
    const groups = new Map<string, Group>();
    for await (const event of events("mailbox.config", `${eventField("change", "e")} = 'permission'`)) {
      const action = event.action;
      if (/^Remove/i.test(action)) continue;
      const rights = rightsOf(event.rights);
      if (rights.length > 0 && rights.every((right) => right.toLowerCase() === "none")) continue;
      const actor = (event.user ?? "").toLowerCase();
      const ip = event.clientIp;
      if (isSystemActor(actor, system)) continue;
      if (admins.has(actor) && (adminIps.empty || adminIps.has(ip))) continue;
      const box = (event.mailbox ?? event.target ?? "").toLowerCase();
      const grantee = (event.grantee ?? "").toLowerCase();
      const isHigh = rights.some((right) => high.has(right.toLowerCase())) || broad.has(grantee);
      const key = `${box}\u0000${grantee}`;
      let group = groups.get(key);
      if (!group) {
        group = { box, grantee, rights: new Set(), ids: [], actors: new Set(), ips: new Set(), actions: new Set(), first: event.ts, last: event.ts, severity: s.severity("severity") };
        groups.set(key, group);
      }
      for (const right of rights) group.rights.add(right);
      group.ids.push(event.id);
      if (actor) group.actors.add(actor);
      if (ip) group.ips.add(ip);
      group.actions.add(action + (event.target && event.target.toLowerCase() !== box ? ` on ${event.target}` : ""));
      group.last = event.ts;
      if (isHigh) group.severity = s.severity("high_severity");
    }
    const findings: Finding[] = [];
    for (const group of groups.values()) {
      const rights = [...group.rights].join(", ") || "unstated rights";
      const actors = [...group.actors];
      findings.push(
        finding({
          id: `${ID}:${group.box}:${group.grantee}`,
          title: `${group.grantee || "someone"} granted ${rights} on ${group.box}`,
          severity: group.severity,
          explanation:
            `${[...group.actions].join("; ")} by ${actors.join(", ") || "an unknown account"} from ${[...group.ips].join(", ") || "an unknown address"} ` +
            `at ${new Date(group.first).toISOString()} gave ${group.grantee || "an unnamed grantee"} ${rights} on ${group.box}. ` +
            `A delegate permission lets another account read or send as this mailbox without its password: attackers add one to keep access. ` +
            `Benign when a known administrator made the grant from the office: list them in permission-grant.admins and admin_ips.`,
          eventIds: group.ids,
          accounts: [group.box, group.grantee, ...actors],
          ips: [...group.ips],
          first: group.first,
          last: group.last,
        }),
      );
    }
    return findings;
  },
});
