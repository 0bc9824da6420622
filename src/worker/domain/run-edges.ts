/**
 * @module The edges of one run or one version: record an input (useArtifact), list a run's inputs and
 * outputs, and a version's `loggedBy` / `usedBy` runs.
 */
import { ApiError } from "../errors.ts";

export interface RunScope {
  teamId: string;
  teamName: string;
  projectId: string;
  projectName: string;
}

export async function useArtifact(
  _env: Env,
  _scope: RunScope,
  _runId: string,
  _ref: string,
): Promise<unknown> {
  throw new ApiError("internal", "not yet");
}

export async function runInputsAndOutputs(
  _env: Env,
  _scope: RunScope,
  _runId: string,
): Promise<{ inputs: unknown[]; outputs: unknown[] }> {
  return { inputs: [], outputs: [] };
}
