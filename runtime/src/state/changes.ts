// The delta of one step: what State computes (diffStates) and what hooks,
// persisters and trackers carry. Declared here, beside State, so the state
// module does not import the lifecycle module that depends on it.

/** The delta of one step, so persisters and trackers store O(change), not O(state). */
export interface StepChanges {
  /** Keys whose whole new value is given. */
  set: Record<string, unknown>;
  /** Keys that had items appended: only the new items. */
  appended: Record<string, unknown[]>;
  /** Keys removed from state. */
  deleted: string[];
}
