// A burr.persisterDatabases entry: "path/to.db" or "path/to.db#table";
// "postgresql://…#table" likewise (the table defaults to burr_state).
import { checkTableName } from "../../../../runtime/src/persistence/read/index.js";

export function splitTable(spec: string): { target: string; table: string } {
  const hash = spec.lastIndexOf("#");
  if (hash < 0) return { target: spec, table: "burr_state" };
  return { target: spec.slice(0, hash), table: checkTableName(spec.slice(hash + 1)) };
}
