/** Impossible travel: two successful sign-ins of one account too far apart for the time between (ATT&CK T1078). */
import type { Finding, Hunt } from "../findings.js";
import { ALL_COPIES, finding, number, Settings, text } from "./common.js";

const ID = "impossible-travel";

function place(city: string | undefined, country: string | undefined, lat: number, lon: number): string {
  const named = [city, country].filter((part) => part).join(", ");
  return named || `${lat.toFixed(2)}, ${lon.toFixed(2)}`;
}

export const impossibleTravel: Hunt = {
  id: ID,
  title: "Impossible travel",
  technique: "T1078",
  techniqueName: "Valid Accounts",
  async run({ store, config }) {
    const s = Settings.of(config, ID);
    if (!s.enabled) return [];
    const maxSpeed = s.num("max_speed_kmh");
    const minKm = s.num("min_distance_km");
    // Consecutive located sign-ins per account (copies merged); great-circle distance by the haversine formula.
    const rows = await store.all(`
      WITH located AS (
        SELECT id, min(ts) AS ts, lower(any_value(user_name)) AS account, max(client_ip) AS ip,
               max(TRY_CAST((data->'location'->>'latitude') AS DOUBLE)) AS lat, max(TRY_CAST((data->'location'->>'longitude') AS DOUBLE)) AS lon,
               max((data->'location'->>'city')) AS city, max((data->'location'->>'country')) AS country,
               max(nullif(coalesce(nullif((data->'extra'->>'deviceId'), ''), (data->>'device')), '')) AS device
        FROM ${ALL_COPIES}
        WHERE kind = 'auth' AND result = 'success' AND coalesce(user_name, '') <> ''
        GROUP BY id
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
      ORDER BY ts, id`);
    const findings: Finding[] = [];
    for (const row of rows) {
      const account = text(row, "account") ?? "";
      const km = number(row, "km");
      const hours = (number(row, "ts") - number(row, "p_ts")) / 3_600_000;
      const from = place(text(row, "p_city"), text(row, "p_country"), number(row, "p_lat"), number(row, "p_lon"));
      const to = place(text(row, "city"), text(row, "country"), number(row, "lat"), number(row, "lon"));
      const device = text(row, "device");
      const sameDevice = device !== undefined && device === text(row, "p_device");
      const speed = hours > 0 ? `${Math.round(km / hours)} km/h` : "no time at all";
      const minutes = Math.round(hours * 60);
      findings.push(
        finding({
          id: `${ID}:${account}:${new Date(number(row, "ts")).toISOString()}`,
          rule: ID,
          title: `${account}: ${from} to ${to} in ${minutes} min`,
          severity: sameDevice ? s.severity("same_device_severity") : s.severity("severity"),
          technique: this.technique,
          techniqueName: this.techniqueName,
          explanation:
            `${account} signed in from ${from} (${text(row, "p_ip") ?? "?"}) at ${new Date(number(row, "p_ts")).toISOString()} and from ${to} (${text(row, "ip") ?? "?"}) at ${new Date(number(row, "ts")).toISOString()}: ` +
            `${Math.round(km)} km in ${minutes} minutes (${speed}, faster than the ${maxSpeed} km/h anyone can travel). ` +
            (sameDevice
              ? `Both sign-ins came from the same device (${device}), which points to a VPN or proxy changing the exit address rather than a second person.`
              : `Two places at once means two parties use the account, or a stolen session or token is replayed elsewhere; benign when the user switched on a VPN.`),
          eventIds: [text(row, "p_id") ?? "", text(row, "id") ?? ""],
          accounts: [account],
          ips: [text(row, "p_ip") ?? "", text(row, "ip") ?? ""],
          first: number(row, "p_ts"),
          last: number(row, "ts"),
        }),
      );
    }
    return findings;
  },
};
