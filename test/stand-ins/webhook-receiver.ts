// A partner's webhook endpoint: records deliveries and checks each signature
// both with the Standard Webhooks library and by hand (HMAC-SHA256 of
// "{id}.{timestamp}.{body}" keyed by the secret's base64 key).
import { createHmac, timingSafeEqual } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { type Handler, type Recorded, type StandIn, startStandIn } from "./http-stand-in.js";

export async function startReceiver(handler: Handler = () => ({ status: 204 })): Promise<StandIn> {
  return startStandIn(handler);
}

export function verifySignature(secret: string, request: Recorded): boolean {
  const id = String(request.headers["webhook-id"]);
  const timestamp = String(request.headers["webhook-timestamp"]);
  const signature = String(request.headers["webhook-signature"]);
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${request.body}`).digest("base64");
  const byHand = signature.split(" ").some((entry) => {
    const [version, value] = entry.split(",");
    return (
      version === "v1" &&
      value !== undefined &&
      value.length === expected.length &&
      timingSafeEqual(Buffer.from(value), Buffer.from(expected))
    );
  });
  let byLibrary = true;
  try {
    new Webhook(secret).verify(request.body, { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature });
  } catch {
    byLibrary = false;
  }
  return byHand && byLibrary;
}
