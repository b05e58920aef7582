// pg's Result, for each statement's row description, makes an empty row
// object keyed by the column names, which only rows returned as objects use.
// The store asks for rows as arrays, its statements run thousands of times a
// second, and the order row has some sixty columns: making that object took
// about a twentieth of the server's CPU in the mutation mix. Rows as arrays
// skip it; rows as objects (what Prisma's adapter may ask for) go through
// pg's own code.
import pg from "pg";
import Result from "pg/lib/result.js";

type FieldDescription = { dataTypeID: number; format?: "text" | "binary" };
type TypeParsers = Pick<typeof pg.types, "getTypeParser">;
type ResultState = {
  rowAsArray: boolean;
  fields: FieldDescription[];
  _parsers: unknown[];
  _types?: TypeParsers;
};
type AddFields = (this: ResultState, fields: FieldDescription[]) => void;

let installed = false;

/** Puts the array rows' addFields on pg's Result, once. */
export function skipEmptyRowObjectsForArrayRows(): void {
  if (installed) return;
  installed = true;
  const prototype = Result.prototype as unknown as { addFields: AddFields };
  const objectRows = prototype.addFields;
  prototype.addFields = function (this: ResultState, fields: FieldDescription[]) {
    if (!this.rowAsArray) return objectRows.call(this, fields);
    this.fields = fields;
    const types = this._types ?? pg.types;
    if (fields.length) this._parsers = fields.map((field) => types.getTypeParser(field.dataTypeID, field.format || "text"));
  };
}
