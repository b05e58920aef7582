import type { ImportSource } from "../services/imports.js";
import type { Connector, WriteOperation, WriteRoute } from "./connector.js";
import { flexport } from "./flexport.js";
import { malomo } from "./malomo.js";
import { storefront } from "./storefront.js";

export type { Connector, WriteOperation, WriteRoute } from "./connector.js";

/** One connector per source. TrackMage's docs are read-only and have no order list. */
export const connectors: Record<ImportSource, Connector> = {
  MALOMO: malomo,
  FLEXPORT: flexport,
  STOREFRONT: storefront,
  TRACKMAGE: { writes: {} },
};

/** How a source (a connection's, stored as text) takes `operation`; undefined when its docs have no such operation. */
export function routeFor(source: string, operation: string): WriteRoute | undefined {
  return connectors[source as ImportSource]?.writes[operation as WriteOperation];
}

/** The source's name as people write it, for messages. */
export const sourceLabel = (source: string) =>
  ({ MALOMO: "Malomo", FLEXPORT: "Flexport", STOREFRONT: "Storefront", TRACKMAGE: "TrackMage" })[source] ?? source;

/** baseUrl + path, whether or not baseUrl ends with a slash. */
export function sourceUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, "") + path;
}

/** What every call to a source carries: its API token and JSON both ways. */
export function sourceHeaders(apiToken: string): Record<string, string> {
  return { authorization: `Bearer ${apiToken}`, "content-type": "application/json", accept: "application/json" };
}
