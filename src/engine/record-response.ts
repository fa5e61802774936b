import { JsonText } from '../framework/envelope.js';
import type { OperationHandler, PathRequest, PathResponse } from '../framework/path.js';
import type { LifecycleResult, LifecycleServices } from '../lifecycle/services.js';
import type { EngineContext } from './context.js';

/**
 * What every certificate path answers: the record as the response's `data`
 * (the plugin returns the private key too) and the operation's warnings.
 */
export function recordResponse(result: Pick<LifecycleResult, 'record'> & { warnings?: string[] }): PathResponse {
  return { data: JsonText.of(result.record), warnings: result.warnings };
}

/**
 * The handler of a `<verb>/:config/:id` path: the lifecycle operation gets the
 * request's data (shaped by `options`) and its abort signal, and the record it
 * returns is the answer.
 */
export function recordOperation<O>(
  operation: (lifecycle: LifecycleServices, config: string, id: string, options: O & { signal: AbortSignal }) => Promise<LifecycleResult>,
  options: (data: Record<string, unknown>, req: PathRequest) => O = (data) => data as O,
): OperationHandler<EngineContext> {
  return async (req, ctx) => {
    // The signal is passed on as a getter, so a read that waits on nothing never makes one.
    const withSignal = Object.defineProperty({ ...options(req.data, req) }, 'signal', { get: () => req.signal, enumerable: true }) as O & { signal: AbortSignal };
    return recordResponse(await operation(ctx.lifecycle, req.params.config, req.params.id, withSignal));
  };
}
