// The plan editor: CodeMirror 6 with ReWOO highlighting, the plan parser's problems live on their
// lines (with the closest tool name as a fix) and completion of tool names and `#E` variables.
// Loaded only when the editor opens (React.lazy), so CodeMirror stays out of the first load.
import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter, lintKeymap, type Diagnostic } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { useEffect, useRef } from 'react';
import { suggestTool } from '../core/plan/plan-checks.ts';
import { parsePlan } from '../core/plan/plan-parser.ts';

/** ReWOO plan text: `Plan:` lines, `#E` variables, and the tool name before `[`. */
const rewoo = StreamLanguage.define<{ afterEquals: boolean }>({
  startState: () => ({ afterEquals: false }),
  token(stream, state) {
    if (stream.sol()) state.afterEquals = false;
    if (stream.sol() && stream.match(/^\s*(Plan|Thought)\s*\d*\s*:/i)) return 'keyword';
    if (stream.match(/^#E\d+/)) return 'variableName';
    if (stream.match('=')) {
      state.afterEquals = true;
      return 'operator';
    }
    if (state.afterEquals && stream.match(/^\s*[A-Za-z_][\w-]*(?=\s*[[(])/)) {
      state.afterEquals = false;
      return 'function';
    }
    if (stream.match(/^[[\]]/)) return 'bracket';
    stream.next();
    return null;
  },
});

const highlight = HighlightStyle.define([
  { tag: tags.keyword, fontWeight: 'bold' },
  { tag: tags.variableName, color: '#3b82f6' },
  { tag: tags.function(tags.variableName), color: 'var(--done, #16a34a)', fontWeight: 'bold' },
  { tag: tags.bracket, color: 'var(--muted)' },
]);

/** Colours from the page (light and dark), not CodeMirror's light defaults. */
const theme = EditorView.theme({
  '&': { color: 'inherit', backgroundColor: 'transparent' },
  '.cm-content': { caretColor: 'currentColor' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'currentColor' },
  '.cm-gutters': { backgroundColor: 'transparent', color: 'var(--muted)', border: 'none' },
  '.cm-tooltip': { backgroundColor: 'Canvas', color: 'CanvasText', border: '1px solid var(--border)' },
  '.cm-tooltip-autocomplete ul li[aria-selected]': { backgroundColor: '#3b82f6', color: 'white' },
  '.cm-diagnosticAction': { backgroundColor: '#3b82f6', color: 'white' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: 'color-mix(in srgb, #3b82f6 30%, transparent)' },
});

/** The parser's errors and warnings on their lines; an unknown tool offers its closest name. */
function diagnose(view: EditorView, toolNames: readonly string[]): Diagnostic[] {
  const { doc } = view.state;
  const text = doc.toString();
  const { errors, warnings } = parsePlan(text, toolNames);
  const known = new Set(toolNames.map((name) => name.toLowerCase()));
  const toDiagnostic = (problem: { message: string; line?: number }, severity: 'error' | 'warning'): Diagnostic => {
    const line = doc.line(Math.min(Math.max(problem.line ?? 1, 1), doc.lines));
    const diagnostic: Diagnostic = { from: line.from, to: line.to, severity, message: problem.message };
    const unknown = /=\s*([A-Za-z_][\w-]*)\s*\[/.exec(line.text);
    const name = unknown?.[1];
    if (name && !known.has(name.toLowerCase())) {
      const closest = suggestTool(name, toolNames);
      if (closest) {
        const from = line.from + (unknown.index ?? 0) + unknown[0].indexOf(name);
        diagnostic.actions = [{ name: `Use ${closest}`, apply: (target) => target.dispatch({ changes: { from, to: from + name.length, insert: closest } }) }];
      }
    }
    return diagnostic;
  };
  return [...errors.map((problem) => toDiagnostic(problem, 'error')), ...warnings.map((problem) => toDiagnostic(problem, 'warning'))];
}

/** Tool names after `=`, and the `#E` variables defined above the cursor. */
function complete(context: CompletionContext, toolNames: readonly string[]): CompletionResult | null {
  const variable = context.matchBefore(/#E?\d*/);
  if (variable) {
    const above = context.state.doc.sliceString(0, context.state.doc.lineAt(context.pos).from);
    const defined = [...new Set([...above.matchAll(/^\s*(#E\d+)\s*=/gm)].map((match) => match[1] as string))];
    return { from: variable.from, options: defined.map((name) => ({ label: name, type: 'variable' })) };
  }
  const tool = context.matchBefore(/=\s*[\w-]*/);
  if (!tool) return null;
  const start = tool.from + tool.text.length - (/[\w-]*$/.exec(tool.text)?.[0].length ?? 0);
  return { from: start, options: toolNames.map((name) => ({ label: name, type: 'function', apply: `${name}[` })) };
}

/** The editor; `onChange` (a state setter: it must not change) gets the text as it is typed. */
export default function PlanEditor({ initial, toolNames, onChange }: { initial: string; toolNames: readonly string[]; onChange: (text: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap, ...lintKeymap]),
          rewoo,
          theme,
          syntaxHighlighting(highlight),
          lintGutter(),
          linter((current) => diagnose(current, toolNames), { delay: 250 }),
          autocompletion({ override: [(context) => complete(context, toolNames)] }),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'Plan text', 'aria-multiline': 'true' }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.focus();
    return () => view.destroy();
    // The editor is made once per opening; `initial`, the tools and `onChange` are read then.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return <div ref={host} className="plan-editor" />;
}
