// Compares the served schema with the public contract the API started from
// (test/fixtures/api-contract.graphql): its names are binding.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  print,
  type TypeNode,
} from "graphql";
import { projectRoot } from "../src/db/migrate.js";

export const contractPath = join(projectRoot, "test", "fixtures", "api-contract.graphql");

/** Lists every way `schema` departs from the contract, ignoring the types in `skip`. */
export function contractMismatches(schema: GraphQLSchema, skip: ReadonlySet<string>): string[] {
  const doc = parse(readFileSync(contractPath, "utf8"));
  const problems: string[] = [];
  for (const def of doc.definitions) {
    if (!("name" in def) || !def.name || skip.has(def.name.value)) continue;
    const name = def.name.value;
    const served = schema.getType(name);
    if (!served) {
      problems.push(`type ${name} is missing`);
      continue;
    }
    if (def.kind === Kind.ENUM_TYPE_DEFINITION) {
      if (!isEnumType(served)) problems.push(`${name} is not an enum`);
      else
        for (const value of def.values ?? [])
          if (!served.getValue(value.name.value)) problems.push(`${name}.${value.name.value} is missing`);
      continue;
    }
    if ("fields" in def && def.fields) {
      if (!(isObjectType(served) || isInterfaceType(served) || isInputObjectType(served))) {
        problems.push(`${name} has the wrong kind`);
        continue;
      }
      const fields = served.getFields();
      for (const field of def.fields) {
        const fieldName = field.name.value;
        const servedField = fields[fieldName];
        if (!servedField) {
          problems.push(`${name}.${fieldName} is missing`);
          continue;
        }
        const expected = typeString(field.type);
        if (String(servedField.type) !== expected) {
          problems.push(`${name}.${fieldName} is ${String(servedField.type)}, contract says ${expected}`);
        }
        if ("arguments" in field) {
          for (const arg of field.arguments ?? []) {
            const servedArg = "args" in servedField ? servedField.args.find((a) => a.name === arg.name.value) : undefined;
            if (!servedArg) problems.push(`${name}.${fieldName}(${arg.name.value}) is missing`);
            else if (String(servedArg.type) !== typeString(arg.type)) {
              problems.push(`${name}.${fieldName}(${arg.name.value}) is ${String(servedArg.type)}, contract says ${typeString(arg.type)}`);
            }
          }
        }
      }
    }
  }
  return problems;
}

function typeString(type: TypeNode): string {
  return print(type);
}
