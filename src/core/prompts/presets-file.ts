import { z } from 'zod';
import type { PromptPreset } from './templates.ts';

// Presets as files: apart from the templates, so that zod stays out of the page's first load.

/** The `format` of a presets file. */
export const presetsFormat = 'stepwise-prompts';

const presetsFileSchema = z.object({
  format: z.literal(presetsFormat, { error: `not a Stepwise prompts file (expected "format": "${presetsFormat}")` }),
  version: z.literal(1, { error: 'a prompts file version this app does not know' }),
  presets: z
    .array(
      z.object({
        name: z.string().trim().min(1, 'a preset needs a name').max(80, 'a preset name is at most 80 characters'),
        templates: z.object({ planner: z.string().max(100_000), solver: z.string().max(100_000), toolCaller: z.string().max(100_000) }),
      }),
    )
    .max(200),
});

/** Presets as a file a person can keep or share. */
export function exportPresets(presets: readonly PromptPreset[]): string {
  return JSON.stringify({ format: presetsFormat, version: 1, presets }, null, 2);
}

/** Reads a presets file; says what is wrong with a bad one. */
export function importPresets(text: string): { ok: true; presets: PromptPreset[] } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'the file is not JSON' };
  }
  const parsed = presetsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `${issue?.path.length ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'not a prompts file'}` };
  }
  return { ok: true, presets: parsed.data.presets.map((preset) => ({ name: preset.name, templates: preset.templates })) };
}
