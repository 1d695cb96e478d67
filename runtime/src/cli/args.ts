// A small argument parser of our own: `--name value`, `--name=value` and
// boolean flags, each option declared once; anything else is a usage error.
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface OptionSpec {
  /** Takes a value (`--run DIR`), is a flag (`--json`), or takes a value and may repeat (`--db A --db B`). */
  kind: "value" | "flag" | "multi";
}

export interface Parsed {
  values: Map<string, string>;
  flags: Set<string>;
  /** Every value of each "multi" option, in order. */
  lists: Map<string, string[]>;
}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, OptionSpec>>, command: string): Parsed {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const lists = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new UsageError(`${command}: unexpected argument "${arg}"`);
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const opt = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!opt) throw new UsageError(`${command}: unknown option --${name}`);
    if (opt.kind === "flag") {
      if (eq >= 0) throw new UsageError(`${command}: --${name} takes no value`);
      flags.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new UsageError(`${command}: --${name} needs a value`);
      i++;
    }
    if (opt.kind === "multi") {
      lists.set(name, [...(lists.get(name) ?? []), value]);
      continue;
    }
    if (values.has(name)) throw new UsageError(`${command}: --${name} given twice`);
    values.set(name, value);
  }
  return { values, flags, lists };
}
