import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { startOtlpReceiver, validateOtlpTraceJson, type OtlpReceiver } from './fixtures/otlp-receiver.ts';
import { configurePlanner, scriptPlanner } from './support/app.ts';

interface Span {
  name: string;
  spanId: string;
  parentSpanId?: string;
  attributes: { key: string; value: { stringValue?: string } }[];
}
interface Payload {
  resourceSpans: { scopeSpans: { spans: Span[] }[] }[];
}
const spansOf = (payload: Payload) => payload.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
const attribute = (span: Span | undefined, key: string) => span?.attributes.find((entry) => entry.key === key)?.value.stringValue;

let receiver: OtlpReceiver;
test.beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
test.afterAll(async () => {
  await receiver.close();
});

test.beforeEach(async ({ page }) => {
  await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort('blockedbyclient'));
});

test('Export → OpenTelemetry gives GenAI spans whose parents follow the plan; a local OTLP receiver accepts them; a refused endpoint is explained', async ({ page }) => {
  const apiKey = 'sk-otlp-test-0123456789';
  await scriptPlanner({
    apiKey,
    rules: [
      { match: 'Solve the following task', reply: 'It is forty-three [#E3].' },
      { match: 'make plans', reply: 'Plan: Multiply.\n#E1 = calculator[6 * 7]\nPlan: Add.\n#E2 = calculator[#E1 + 1]\nPlan: Say it.\n#E3 = llm[Say #E2 in words]' },
      { match: 'in words', reply: 'forty-three' },
    ],
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('textbox', { name: 'API key' }).fill(apiKey);
  await page.getByRole('textbox', { name: 'OpenTelemetry endpoint' }).fill(receiver.url);
  await page.getByRole('textbox', { name: 'OpenTelemetry headers' }).fill('Authorization: Bearer otlp-secret-0123456789');
  await page.getByRole('button', { name: 'Close' }).click();
  await configurePlanner(page);
  await page.getByRole('textbox', { name: 'Task' }).fill('What is 6 * 7 + 1, in words?');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('region', { name: 'Summary' })).toContainText('It is forty-three');

  // The file: valid against the OTLP protobuf definitions, no key, spans nested as the run was.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  await page.getByRole('menuitem', { name: 'OpenTelemetry' }).click();
  const text = await readFile(await (await download).path(), 'utf8');
  expect(text).not.toContain(apiKey);
  expect(text).not.toContain('otlp-secret-0123456789');
  const payload = JSON.parse(text) as Payload;
  expect(validateOtlpTraceJson(payload)).toMatchObject({ ok: true });
  const spans = spansOf(payload);
  const byName = (name: string) => spans.filter((span) => span.name === name);
  const [root] = byName('invoke_agent Stepwise');
  expect(root?.parentSpanId ?? '').toBe('');
  const plan = byName('plan')[0];
  expect(plan?.parentSpanId).toBe(root?.spanId);
  const tools = spans.filter((span) => span.name.startsWith('execute_tool '));
  expect(tools.map((span) => attribute(span, 'stepwise.step.id')).sort()).toEqual(['#E1', '#E2', '#E3']);
  for (const span of tools) expect(span.parentSpanId).toBe(root?.spanId);
  const chats = spans.filter((span) => span.name.startsWith('chat '));
  const plannerChat = chats.find((span) => span.parentSpanId === plan?.spanId);
  expect(plannerChat).toBeDefined();
  // The llm tool's model call sits under #E3's tool span.
  const llmStep = tools.find((span) => attribute(span, 'stepwise.step.id') === '#E3');
  expect(chats.some((span) => span.parentSpanId === llmStep?.spanId)).toBe(true);
  expect(chats).toHaveLength(3);

  // Sent to the receiver (with the header), which checks it against the protobuf definitions.
  await page.getByRole('button', { name: 'Export' }).click();
  await page.getByRole('menuitem', { name: 'Send to OTLP endpoint' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sent' })).toContainText(`spans to ${receiver.url}/v1/traces`);
  expect(receiver.received()).toHaveLength(1);
  expect(spansOf(receiver.received()[0] as Payload).map((span) => span.spanId).sort()).toEqual(spans.map((span) => span.spanId).sort());

  // A closed port: one clear message with what to check.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('textbox', { name: 'OpenTelemetry endpoint' }).fill('http://127.0.0.1:9/');
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Export' }).click();
  await page.getByRole('menuitem', { name: 'Send to OTLP endpoint' }).click();
  await expect(page.getByRole('alert')).toContainText('could not be sent to the OpenTelemetry endpoint');
  await expect(page.getByRole('alert')).toContainText('4318');
});
