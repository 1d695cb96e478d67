// A suite whose service is missing says so loudly and skips; under
// BURR_REQUIRE_ALL=1 (set by .ci/run) the same situation is a failure.
export function skipOrFail(ctx: Mocha.Context, reason: string): never {
  const line = `SKIPPED: ${ctx.test?.fullTitle() ?? "suite"}: ${reason}`;
  if (process.env.BURR_REQUIRE_ALL === "1") {
    throw new Error(`${line} (BURR_REQUIRE_ALL=1 forbids skipping: install or start what is missing)`);
  }
  console.warn(`\n!!!!! ${line}\n`);
  ctx.skip();
}
