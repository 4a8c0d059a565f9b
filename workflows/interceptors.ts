// Inbound interceptor of every grantflow workflow (registered in the bundle by server/worker.ts):
// an Update is accepted only with the API's actor claim (domain/actor-claim.ts), so someone who can
// reach the Temporal frontend but not the API cannot record a payment, a decision or any other
// change in a name of their choosing. The attempt is refused before the Update's own validator runs
// (nothing enters the history: a rejected Update leaves no event) and logged.
//
// Temporal runs validation interceptors only for handlers that have a validator: every Update that
// changes state in grantflow has one; the two without (`registered` on contracts and material
// requests) only wait and answer the state, like a query. Validators do not run on replay, so
// rotating the secret never makes a recorded history diverge.
import { defaultPayloadConverter, log, workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { ACTOR_CLAIM_HEADER, ACTOR_CLAIM_REFUSED, verifyActorClaim, type ClaimRefusal } from '../domain/actor-claim';
import { reject, REJECTION } from './rejection';

// Replaced at bundle time by webpack's DefinePlugin (server/worker.ts): workflow code cannot read
// the environment, and a secret passed in a workflow's input would be written into its history.
declare const __GRANTFLOW_ACTOR_SECRET__: string;
const actorSecret: string | undefined =
  typeof __GRANTFLOW_ACTOR_SECRET__ === 'string' ? __GRANTFLOW_ACTOR_SECRET__ : undefined;

export { ACTOR_CLAIM_REFUSED };

const EXPLANATION: Record<ClaimRefusal, string> = {
  missing: 'it carries no actor claim; changes are made through the grantflow API',
  malformed: 'its actor claim is malformed',
  forged:
    'its actor claim is not the API’s signature of this Update (or GRANTFLOW_ACTOR_SECRET differs between API and worker)',
  expired: 'its actor claim has expired (claims are valid for minutes; send the request again through the API)',
  no_secret: 'this worker was bundled without GRANTFLOW_ACTOR_SECRET',
};

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      validateUpdate(input, next) {
        let claim: unknown;
        let refusal: ClaimRefusal | undefined;
        try {
          const header = input.headers[ACTOR_CLAIM_HEADER];
          claim = header === undefined ? undefined : defaultPayloadConverter.fromPayload(header);
        } catch {
          refusal = 'malformed';
        }
        // Date.now() in a workflow is the time of this workflow task (Temporal's clock).
        refusal ??= verifyActorClaim(
          actorSecret,
          { workflowId: workflowInfo().workflowId, update: input.name, args: input.args },
          claim,
          Date.now(),
        );
        if (refusal) {
          // Names only, never the arguments: they may hold personal data.
          log.warn('refused an Update without a valid actor claim', {
            update: input.name,
            updateId: input.updateId,
            refusal,
          });
          reject(REJECTION.actorClaimRefused, `Update ${input.name} refused: ${EXPLANATION[refusal]}`);
        }
        next(input);
      },
    },
  ],
});
