// What the routes that answer in their own JSON (POST /webhooks/..., /bulk/...)
// share: the answer, and the caller admitted as the API admits it.

import { RequestRefused } from "./auth/authenticate.js";
import type { Caller } from "./auth/caller.js";

export type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

export function jsonReply(endResponse: (response: Response) => void, fetchAPI: { Response: typeof Response }): Reply {
  return (status, body, headers = {}) =>
    endResponse(
      new fetchAPI.Response(JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json; charset=utf-8", ...headers },
      }),
    );
}

/** The request's caller; null once a refusal has been answered (`{ error }` with its status). */
export async function admitCaller(admit: (request: Request) => Promise<Caller>, request: Request, reply: Reply): Promise<Caller | null> {
  try {
    return await admit(request);
  } catch (error) {
    if (!(error instanceof RequestRefused)) throw error;
    reply(error.status, { error: error.message }, error.headers);
    return null;
  }
}
