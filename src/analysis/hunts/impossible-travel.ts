/** Impossible travel: two successful sign-ins of one account too far apart for the time between (ATT&CK T1078). */
import { bigint, double, EVENTS, varchar } from "../../model/columns.js";
import { eventField } from "../../store/sql.js";
import type { Finding } from "../findings.js";
import { ALL_COPIES } from "../views.js";
import { defineHunt } from "./define.js";

const ID = "impossible-travel";
const E = EVENTS.col;

/** A located sign-in (copies merged). */
const LOCATED = {
  id: varchar().notNull,
  ts: bigint().notNull,
  account: varchar(),
  ip: varchar(),
  lat: double().notNull,
  lon: double().notNull,
  city: varchar(),
  country: varchar(),
  device: varchar(),
};

/** Two consecutive located sign-ins of one account and the distance between them. */
const TRAVEL = {
  ...LOCATED,
  pId: varchar().notNull,
  pTs: bigint().notNull,
  pLat: double().notNull,
  pLon: double().notNull,
  pCity: varchar(),
  pCountry: varchar(),
  pIp: varchar(),
  pDevice: varchar(),
  km: double().notNull,
};

function place(city: string | undefined, country: string | undefined, lat: number, lon: number): string {
  const named = [city, country].filter((part) => part).join(", ");
  return named || `${lat.toFixed(2)}, ${lon.toFixed(2)}`;
}

export const impossibleTravel = defineHunt({
  id: ID,
  title: "Impossible travel",
  technique: "T1078",
  techniqueName: "Valid Accounts",
  async run({ store, s, finding }) {
    const maxSpeed = s.num("max_speed_kmh");
    const minKm = s.num("min_distance_km");
    // Consecutive located sign-ins per account (copies merged); great-circle distance by the haversine formula.
    const rows = await store.rows(
      TRAVEL,
      `
      WITH located AS (
        SELECT ${E.id}, min(${E.ts}) AS ts, lower(any_value(${E.userName})) AS account, max(${E.clientIp}) AS ip,
               max(TRY_CAST(${eventField("location.latitude")} AS DOUBLE)) AS lat, max(TRY_CAST(${eventField("location.longitude")} AS DOUBLE)) AS lon,
               max(${eventField("location.city")}) AS city, max(${eventField("location.country")}) AS country,
               max(nullif(coalesce(nullif(${eventField("extra.deviceId")}, ''), ${eventField("device")}), '')) AS device
        FROM ${ALL_COPIES}
        WHERE ${E.kind} = 'auth' AND ${E.result} = 'success' AND coalesce(${E.userName}, '') <> ''
        GROUP BY ${E.id}
      ),
      pairs AS (
        SELECT *, lag(id) OVER w AS p_id, lag(ts) OVER w AS p_ts, lag(lat) OVER w AS p_lat, lag(lon) OVER w AS p_lon,
               lag(city) OVER w AS p_city, lag(country) OVER w AS p_country, lag(ip) OVER w AS p_ip, lag(device) OVER w AS p_device
        FROM located WHERE lat IS NOT NULL AND lon IS NOT NULL
        WINDOW w AS (PARTITION BY account ORDER BY ts, id)
      ),
      measured AS (
        SELECT *, 2 * 6371.0088 * asin(sqrt(pow(sin(radians(lat - p_lat) / 2), 2) + cos(radians(p_lat)) * cos(radians(lat)) * pow(sin(radians(lon - p_lon) / 2), 2))) AS km
        FROM pairs WHERE p_id IS NOT NULL
      )
      SELECT * FROM measured
      WHERE km >= ${minKm} AND (ts = p_ts OR km / ((ts - p_ts) / 3600000.0) > ${maxSpeed})
      ORDER BY ts, id`,
    );
    const findings: Finding[] = [];
    for (const row of rows) {
      const account = row.account ?? "";
      const km = row.km;
      const hours = (row.ts - row.pTs) / 3_600_000;
      const from = place(row.pCity ?? undefined, row.pCountry ?? undefined, row.pLat, row.pLon);
      const to = place(row.city ?? undefined, row.country ?? undefined, row.lat, row.lon);
      const device = row.device ?? undefined;
      const sameDevice = device !== undefined && device === (row.pDevice ?? undefined);
      const speed = hours > 0 ? `${Math.round(km / hours)} km/h` : "no time at all";
      const minutes = Math.round(hours * 60);
      findings.push(
        finding({
          id: `${ID}:${account}:${new Date(row.ts).toISOString()}`,
          title: `${account}: ${from} to ${to} in ${minutes} min`,
          severity: sameDevice ? s.severity("same_device_severity") : s.severity("severity"),
          explanation:
            `${account} signed in from ${from} (${row.pIp ?? "?"}) at ${new Date(row.pTs).toISOString()} and from ${to} (${row.ip ?? "?"}) at ${new Date(row.ts).toISOString()}: ` +
            `${Math.round(km)} km in ${minutes} minutes (${speed}, faster than the ${maxSpeed} km/h anyone can travel). ` +
            (sameDevice
              ? `Both sign-ins came from the same device (${device}), which points to a VPN or proxy changing the exit address rather than a second person.`
              : `Two places at once means two parties use the account, or a stolen session or token is replayed elsewhere; benign when the user switched on a VPN.`),
          eventIds: [row.pId, row.id],
          accounts: [account],
          ips: [row.pIp ?? "", row.ip ?? ""],
          first: row.pTs,
          last: row.ts,
        }),
      );
    }
    return findings;
  },
});
