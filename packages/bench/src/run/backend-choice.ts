import { BackendKind, uvicornWorkers } from '../backends/backend-set';
import { CompareOptions } from '../options';
import { Scenario } from '../scenarios/scenario';

export interface BackendDecision {
  kind: BackendKind;
  note: string;
}

/**
 * Which backends a scenario gets, and the sentence the report prints about it.
 * @param python the interpreter that imports fastapi and uvicorn, if any.
 */
export function chooseBackend(
  scenario: Scenario,
  options: CompareOptions,
  python: string | undefined,
): BackendDecision {
  const pool = scenario.maxConcurrency
    ? `, ${scenario.maxConcurrency} requests at a time per backend, the rest queued inside it`
    : '';
  const node = `built-in Node backend (raw net, same delay distribution${pool})`;
  if (scenario.backend === 'node') {
    return { kind: 'node', note: `${node}; zero delay, where uvicorn would be the bottleneck` };
  }
  if (options.backend === 'node') {
    return {
      kind: 'node',
      note: `${node}; chosen by ${options.quick ? '--quick' : '--backend node'}`,
    };
  }
  if (python) {
    const workers = uvicornWorkers(scenario.maxConcurrency);
    const app = `FastAPI backends/app.py, uvicorn --workers ${workers}${pool}`;
    return { kind: 'fastapi', note: `${app} (${python})` };
  }
  return { kind: 'node', note: `${node}; FastAPI/uvicorn not importable by python3` };
}
