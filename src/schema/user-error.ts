import type { UserError } from "../domain/user-error.js";
import { ERROR_CATALOGUE, type ErrorCode } from "../errors.js";
import { builder } from "./builder.js";

export const ErrorCodeEnum = builder.enumType("ErrorCode", {
  description: "What kind of mistake a UserError reports (docs/errors.md).",
  values: Object.fromEntries(Object.entries(ERROR_CATALOGUE).map(([code, description]) => [code, { description }])) as Record<
    ErrorCode,
    { description: string }
  >,
});

export const UserErrorRef = builder.objectRef<UserError>("UserError");

UserErrorRef.implement({
  description: "A mistake in the request, reported in the payload: nothing was changed.",
  fields: (t) => ({
    code: t.expose("code", { type: ErrorCodeEnum }),
    message: t.exposeString("message"),
    path: t.exposeStringList("path", { nullable: true, description: "Where in the arguments the mistake is." }),
  }),
});
