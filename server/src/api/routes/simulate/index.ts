import type { FastifyPluginAsync } from 'fastify';
import { RulecordError, checkSimInput, simulate } from '@rulecord/engine';
import { checkDocument } from '../../../rulesets/service.js';
import { guildAccess } from '../../context.js';
import { ApiError, validationError } from '../../errors.js';
import { RULESET_DOCUMENT, SIM_STEP, SIM_WORLD, guildParams } from '../../schemas.js';
import { DOCUMENT_BODY_LIMIT, limit, type RouteOptions } from '../shared.js';

type SimInput = Parameters<typeof simulate>[0];

/** Runs events through a rule set in the simulator: actions and traces come back, nothing touches Discord or the guild's state. */
export const simulateRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.post<{ Params: { guildId: string }; Body: { document?: unknown; world?: unknown; steps: unknown[] } }>(
    '/guilds/:guildId/simulate',
    {
      config: limit(ctx, 'compute'),
      bodyLimit: DOCUMENT_BODY_LIMIT,
      preHandler: guildAccess(ctx, app, 'read'),
      schema: {
        summary:
          'Simulate events (and clock advances) against a document (default: the live rule set), with no side effects',
        tags: ['simulate'],
        params: guildParams,
        body: {
          type: 'object',
          required: ['steps'],
          additionalProperties: false,
          properties: {
            document: RULESET_DOCUMENT,
            world: SIM_WORLD,
            steps: {
              type: 'array',
              minItems: 1,
              maxItems: 200,
              items: SIM_STEP,
              description: 'What happens, in order.',
            },
          },
        },
      },
    },
    async (request) => {
      const { guildId } = request.params;
      // The engine's schema of world and steps, checked before the document is looked at: every problem, each at its
      // pointer in the body with a fix.
      const inputProblems = checkSimInput({ world: request.body.world, steps: request.body.steps });
      if (inputProblems.length > 0) throw validationError(inputProblems.map((p) => ({ in: 'body', ...p })));
      const tier = await ctx.rulesets.store.tier(guildId);
      let document = request.body.document;
      if (document === undefined) {
        const live = await ctx.rulesets.store.latest(guildId);
        if (!live)
          throw new ApiError('RC_API_NOT_FOUND', `Guild ${guildId} has no rule set yet; send one in \`document\`.`);
        document = live.document;
      } else {
        const check = checkDocument(document, guildId, ctx.registry(), tier, { in: 'body', base: '/document' });
        if (!check.ok) throw validationError(check.problems.filter((p) => p.severity !== 'warning'));
      }
      const input = {
        document,
        tier,
        steps: request.body.steps,
        registry: ctx.registry(),
        ...(request.body.world === undefined ? {} : { world: request.body.world }),
      } as unknown as SimInput;
      try {
        return await simulate(input);
      } catch (error) {
        // The simulator reports a malformed step as a user error pointing into `steps`; anything else is a bug (500).
        if (!(error instanceof RulecordError) || error.kind !== 'user') throw error;
        throw validationError([
          {
            in: 'body',
            pointer: error.pointer ?? '/steps',
            code: error.code,
            message: error.message,
            ...(error.fix === undefined ? {} : { fix: error.fix }),
          },
        ]);
      }
    },
  );
};
