import type { UserError } from "../domain/user-error.js";
import { ErrorCodes } from "../errors.js";
import { builder } from "./builder.js";

export const ErrorCodeEnum = builder.enumType("ErrorCode", {
  description: "What kind of mistake a UserError reports.",
  values: Object.keys(ErrorCodes) as Array<keyof typeof ErrorCodes>,
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
