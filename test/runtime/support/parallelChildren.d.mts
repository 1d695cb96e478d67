import type { Action, ActionBase, Inputs, RunnableGraph, State } from "burr-ts";
export declare const simpleFn: ActionBase;
export declare class ClassBased extends Action {
  readonly identifying: number;
  reads: string[];
  writes: string[];
  constructor(identifying: number);
  run(state: State, inputs: Inputs): Record<string, unknown>;
  update(result: Record<string, unknown>, state: State): State;
}
export declare function fullSubgraph(identifying: number, name?: string): RunnableGraph;
export declare const crunch: ActionBase;
export declare const children: Record<string, ActionBase | RunnableGraph>;
