import { z } from 'zod';
import type { RunSummary } from './runs-slice.ts';

// The run history's schema, loaded with the stored state (see store.ts), not with the page.

const runSummarySchema = z.object({
  id: z.string().min(1),
  task: z.string(),
  createdAt: z.string(),
  status: z.enum(['idle', 'planning', 'running', 'solving', 'done', 'failed', 'aborted', 'interrupted']),
  stepCount: z.number().int().nonnegative(),
  imported: z.boolean().optional(),
  replaying: z.boolean().optional(),
  parentId: z.string().optional(),
  change: z.string().optional(),
  judgement: z.object({ verdict: z.enum(['good', 'bad']), note: z.string().max(10_000).optional(), at: z.string() }).optional(),
  private: z.boolean().optional(),
});

/** The run history as read back from storage: entries that fail the schema are left out, not cast. */
export function parseRunIndex(value: unknown): RunSummary[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const parsed = runSummarySchema.safeParse(entry);
    return parsed.success ? [parsed.data as RunSummary] : [];
  });
}
