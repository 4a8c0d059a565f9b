// The API's side of actor claims (domain/actor-claim.ts): every Update this client sends carries
// the API's signature in a header, which workflows/interceptors.ts checks before the Update's own
// validator runs. Installed where the API's Temporal client is made (server/runtime.ts).
import type { ClientOptions, WorkflowClientInterceptor } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { ACTOR_CLAIM_HEADER, signActorClaim } from '../../domain/actor-claim';

/** The signer's clock, epoch ms: the claim expires CLAIM_LIFETIME_MS after it (workflows compare with Temporal's time). */
export type Clock = () => number | Promise<number>;

/**
 * A client interceptor that signs each Update (and Update-with-Start) with `secret`. `now` is the
 * wall clock; a test on the time-skipping server passes the server's skipped time instead.
 */
export function actorClaimInterceptor(secret: string, now: Clock = Date.now): WorkflowClientInterceptor {
  const claim = async (workflowId: string, update: string, args: unknown[]) =>
    defaultPayloadConverter.toPayload(signActorClaim(secret, { workflowId, update, args }, await now()));
  return {
    async startUpdate(input, next) {
      const header = await claim(input.workflowExecution.workflowId, input.updateName, input.args);
      return next({ ...input, headers: { ...input.headers, [ACTOR_CLAIM_HEADER]: header } });
    },
    async startUpdateWithStart(input, next) {
      const header = await claim(input.workflowStartOptions.workflowId, input.updateName, input.updateArgs);
      return next({ ...input, updateHeaders: { ...input.updateHeaders, [ACTOR_CLAIM_HEADER]: header } });
    },
  };
}

/** Client options that sign every Update with `secret`: spread into `new Client({ connection, ... })`. */
export function signingClientOptions(secret: string, now?: Clock): Pick<ClientOptions, 'interceptors'> {
  return { interceptors: { workflow: [actorClaimInterceptor(secret, now)] } };
}
