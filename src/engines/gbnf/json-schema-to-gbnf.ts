import { StepwiseError } from '../../core/errors.ts';
import type { JsonSchema } from '../../core/tools/types.ts';
import {
  gbnfAtom,
  gbnfCharClass,
  gbnfJsonLiteral,
  gbnfLiteral,
  gbnfSequencePart,
  jsonRawCharacterRanges,
  rangesContain,
  subtractRanges,
} from './gbnf-text.ts';
import { integerRangeExpression, naturalRangeExpression } from './number-range.ts';
import { regexToGbnf, UnsupportedPatternError } from './regex-to-gbnf.ts';

/** Whitespace the grammar allows between JSON tokens. */
export type GbnfWhitespace = 'none' | 'space' | 'pretty';

/** Limits that keep generation finite; a model with random weights runs to every limit. */
export interface GbnfOptions {
  /** Most characters in a free string (no `maxLength`, format or enum). Default: unbounded. */
  maxStringLength?: number;
  /** Most items in an array without `maxItems`. Default: unbounded. */
  maxArrayItems?: number;
  /** Most extra members in an object that allows additional properties. Default: unbounded. */
  maxAdditionalProperties?: number;
  /**
   * Characters that may stand unescaped in strings. `'unicode'` (default) allows any; `'ascii'`
   * allows printable ASCII only (others still reachable through `\u` escapes), which stops a
   * model that emits raw bytes (random weights) from writing invalid UTF-8.
   */
  characters?: 'unicode' | 'ascii';
  /**
   * `'space'` (default): at most one space between tokens; `'none'`: compact JSON only;
   * `'pretty'`: a space, or a line feed and up to 20 spaces or tabs of indentation.
   */
  whitespace?: GbnfWhitespace;
}

/** A grammar and what of the schema it could not enforce. */
export interface GbnfConversion {
  /** GBNF text (llama.cpp dialect) whose start rule is `root`. */
  grammar: string;
  /** Keywords that were ignored or only partly enforced, one sentence each. */
  warnings: string[];
}

/** The schema cannot be turned into a grammar (it accepts nothing, or uses a remote `$ref`). */
export class SchemaGrammarError extends StepwiseError {
  // Spelled out: minifiers rename classes, and the name reaches traces and the UI.
  override readonly name = 'SchemaGrammarError';
  constructor(message: string) {
    super(message, { hint: 'Simplify the tool\'s parameter schema, or call the tool through the planner endpoint.' });
  }
}

/**
 * Converts a JSON Schema into a GBNF grammar (llama.cpp dialect) whose every sentence is JSON
 * that parses and validates against the schema, as far as the warnings do not say otherwise.
 * Covered: objects (required and optional properties in declared order, `additionalProperties`
 * false/true/schema), strings (enum, const, min/maxLength, common formats, simple patterns),
 * integers with bounds, numbers with bounds, booleans, null, arrays (items, prefixItems,
 * min/maxItems), enum and const of any JSON value, anyOf/oneOf, allOf of objects, local
 * `$ref` (`#/$defs/…`, `#/definitions/…`, recursion included), type arrays and `nullable`.
 * Objects with `properties` and no `additionalProperties` get no extra members.
 */
export function convertJsonSchemaToGbnf(schema: JsonSchema | boolean, options: GbnfOptions = {}): GbnfConversion {
  const converter = new Converter(schema, options);
  return converter.convert();
}

/** {@link convertJsonSchemaToGbnf} without the warnings. */
export function jsonSchemaToGbnf(schema: JsonSchema | boolean, options: GbnfOptions = {}): string {
  return convertJsonSchemaToGbnf(schema, options).grammar;
}

type SchemaObject = Record<string, unknown>;

const annotationKeywords = new Set([
  'title',
  'description',
  'examples',
  'default',
  '$comment',
  '$schema',
  '$id',
  '$anchor',
  '$defs',
  'definitions',
  'deprecated',
  'readOnly',
  'writeOnly',
  'contentMediaType',
  'contentEncoding',
  'x-order',
]);

const ignoredKeywordWarnings: Record<string, string> = {
  not: '"not" is not enforced.',
  if: '"if/then/else" is not enforced.',
  dependentRequired: '"dependentRequired" is not enforced.',
  dependentSchemas: '"dependentSchemas" is not enforced.',
  dependencies: '"dependencies" is not enforced.',
  patternProperties: '"patternProperties" is not enforced; only declared properties are generated.',
  propertyNames: '"propertyNames" is not enforced.',
  unevaluatedProperties: '"unevaluatedProperties" is not enforced.',
  contains: '"contains" is not enforced.',
  uniqueItems: '"uniqueItems" is not enforced: items may repeat.',
  multipleOf: '"multipleOf" is not enforced.',
};

const primitiveNames = ['root', 'ws', 'value', 'object', 'array', 'member', 'string', 'char', 'number', 'integer', 'boolean', 'null'];

function isRecord(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function sanitizeName(text: string): string {
  const name = text.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return name || 'item';
}

class Converter {
  private readonly rules = new Map<string, string>();
  private readonly ruleByBody = new Map<string, string>();
  private readonly refRules = new Map<string, string>();
  private readonly warnings = new Set<string>();
  private readonly whitespace: GbnfWhitespace;

  constructor(
    private readonly rootSchema: JsonSchema | boolean,
    private readonly options: GbnfOptions,
  ) {
    this.whitespace = options.whitespace ?? 'space';
  }

  convert(): GbnfConversion {
    this.rules.set('root', '');
    const body = this.visitBody(this.rootSchema, 'root');
    this.rules.set('root', body);
    const grammar = [...this.rules].map(([name, ruleBody]) => `${name} ::= ${ruleBody}`).join('\n') + '\n';
    return { grammar, warnings: [...this.warnings] };
  }

  // ---- rules -----------------------------------------------------------------------------

  private uniqueName(hint: string): string {
    const base = sanitizeName(hint);
    let name = base;
    for (let suffix = 2; this.rules.has(name) || primitiveNames.includes(name); suffix++) name = `${base}-${suffix}`;
    return name;
  }

  /** A rule with this body (an existing one when the body is the same). */
  private rule(hint: string, body: string): string {
    const existing = this.ruleByBody.get(body);
    if (existing) return existing;
    const name = this.uniqueName(hint);
    this.rules.set(name, body);
    this.ruleByBody.set(body, name);
    return name;
  }

  /** Shared rules under fixed names (`ws`, `string`, `value`, …), defined on first use. */
  private primitive(name: string, define: () => string): string {
    if (!this.rules.has(name)) {
      this.rules.set(name, '');
      this.rules.set(name, define());
    }
    return name;
  }

  /** An expression that can stand as one item: simple ones inline, others as a rule. */
  private visit(schema: unknown, hint: string): string {
    const body = this.visitBody(schema, hint);
    return /^[a-zA-Z0-9-]+$/.test(body) || /^"(?:[^"\\]|\\.)*"$/.test(body) ? body : this.rule(hint, body);
  }

  private get ascii(): boolean {
    return this.options.characters === 'ascii';
  }

  private rawCharacters() {
    return jsonRawCharacterRanges(this.ascii);
  }

  private warn(message: string): void {
    this.warnings.add(message);
  }

  // ---- whitespace and sequences ----------------------------------------------------------

  private ws(): string {
    switch (this.whitespace) {
      case 'none':
        return '';
      case 'space':
        return this.primitive('ws', () => '" "?');
      case 'pretty':
        return this.primitive('ws', () => '(" " | "\\n" [ \\t]{0,20})?');
    }
  }

  private sequence(...parts: string[]): string {
    return parts
      .filter((part) => part !== '')
      .map(gbnfSequencePart)
      .join(' ');
  }

  private separator(): string {
    return this.sequence(this.ws(), '","', this.ws());
  }

  private repeat(expression: string, min: number, max: number | undefined): string {
    if (max !== undefined && max <= 0) return '';
    const atom = gbnfAtom(expression);
    if (max === undefined) return min === 0 ? `${atom}*` : min === 1 ? `${atom}+` : `${atom}{${min},}`;
    if (min === 0 && max === 1) return `${atom}?`;
    if (min === 1 && max === 1) return expression;
    return min === max ? `${atom}{${min}}` : `${atom}{${min},${max}}`;
  }

  // ---- dispatch --------------------------------------------------------------------------

  private visitBody(schema: unknown, hint: string): string {
    if (schema === true || schema === undefined) return this.valueRule();
    if (schema === false) throw new SchemaGrammarError('A schema of `false` accepts no value.');
    if (!isRecord(schema)) throw new SchemaGrammarError(`A schema must be an object or a boolean, not ${JSON.stringify(schema)}.`);

    for (const keyword of Object.keys(ignoredKeywordWarnings)) {
      if (keyword in schema && keyword !== 'multipleOf' && keyword !== 'uniqueItems' && keyword !== 'contains') {
        this.warn(ignoredKeywordWarnings[keyword] ?? '');
      }
    }

    if (typeof schema.$ref === 'string') {
      const siblings = this.constraintKeywords(schema, ['$ref']);
      if (Object.keys(siblings).length === 0) return this.refRule(schema.$ref);
      return this.visitBody(this.mergeSchemas([this.resolveRef(schema.$ref), siblings]), hint);
    }
    if (Array.isArray(schema.allOf)) {
      const rest = this.constraintKeywords(schema, ['allOf']);
      return this.visitBody(this.mergeSchemas([rest, ...schema.allOf]), hint);
    }
    const alternatives = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
    if (alternatives) {
      if (Array.isArray(schema.anyOf) && Array.isArray(schema.oneOf)) this.warn('"oneOf" beside "anyOf" is not enforced.');
      if (alternatives.length === 0) throw new SchemaGrammarError('"anyOf"/"oneOf" with no alternatives accepts no value.');
      const rest = this.constraintKeywords(schema, ['anyOf', 'oneOf']);
      const hasRest = Object.keys(rest).length > 0;
      const bodies = alternatives.map((alternative, index) => {
        const branch = hasRest ? this.mergeSchemas([rest, alternative]) : alternative;
        return this.visit(branch, `${hint}-${this.branchName(branch, index)}`);
      });
      return [...new Set(bodies)].join(' | ');
    }
    if ('const' in schema) return gbnfJsonLiteral(schema.const, this.ascii);
    if (Array.isArray(schema.enum)) return this.enumBody(schema);

    const types = this.typesOf(schema);
    if (types === undefined) return this.valueRule();
    if (types.length === 0) throw new SchemaGrammarError('The schema\'s "type" list is empty.');
    if (types.length === 1) return this.typedBody(schema, types[0] ?? 'null', hint);
    return types.map((type) => this.visit({ ...schema, type, nullable: undefined }, `${hint}-${type}`)).join(' | ');
  }

  private branchName(branch: unknown, index: number): string {
    if (isRecord(branch) && isRecord(branch.properties)) {
      const name = branch.properties.name;
      if (isRecord(name) && typeof name.const === 'string') return sanitizeName(name.const);
    }
    return String(index);
  }

  /** The schema's keywords that constrain values, without `omit` and annotations. */
  private constraintKeywords(schema: SchemaObject, omit: string[]): SchemaObject {
    const result: SchemaObject = {};
    for (const [key, value] of Object.entries(schema)) {
      if (!omit.includes(key) && !annotationKeywords.has(key)) result[key] = value;
    }
    return result;
  }

  private typesOf(schema: SchemaObject): string[] | undefined {
    let types: string[] | undefined;
    if (typeof schema.type === 'string') types = [schema.type];
    else if (Array.isArray(schema.type)) types = schema.type.filter((type): type is string => typeof type === 'string');
    else if ('properties' in schema || 'required' in schema || 'additionalProperties' in schema) types = ['object'];
    else if ('items' in schema || 'prefixItems' in schema || 'minItems' in schema || 'maxItems' in schema) types = ['array'];
    else if ('minLength' in schema || 'maxLength' in schema || 'pattern' in schema || 'format' in schema) types = ['string'];
    else if ('minimum' in schema || 'maximum' in schema || 'exclusiveMinimum' in schema || 'exclusiveMaximum' in schema) types = ['number'];
    if (types && schema.nullable === true && !types.includes('null')) types = [...types, 'null'];
    // "integer" inside "number" adds nothing.
    if (types && types.includes('number')) types = types.filter((type) => type !== 'integer');
    return types;
  }

  private enumBody(schema: SchemaObject): string {
    const types = this.typesOf({ type: schema.type, nullable: schema.nullable });
    const values = (schema.enum as unknown[]).filter((value) => types === undefined || types.some((type) => matchesType(value, type)));
    if (values.length === 0) throw new SchemaGrammarError('The "enum" has no value of the schema\'s type.');
    return [...new Set(values.map((value) => gbnfJsonLiteral(value, this.ascii)))].join(' | ');
  }

  private typedBody(schema: SchemaObject, type: string, hint: string): string {
    switch (type) {
      case 'string':
        return this.stringBody(schema, hint);
      case 'integer':
        return this.integerBody(schema);
      case 'number':
        return this.numberBody(schema);
      case 'boolean':
        return this.primitive('boolean', () => '"true" | "false"');
      case 'null':
        return this.primitive('null', () => '"null"');
      case 'object':
        return this.objectBody(schema, hint);
      case 'array':
        return this.arrayBody(schema, hint);
      default:
        throw new SchemaGrammarError(`Unknown type "${type}".`);
    }
  }

  // ---- $ref and allOf --------------------------------------------------------------------

  private resolveRef(reference: string): unknown {
    if (!reference.startsWith('#')) {
      throw new SchemaGrammarError(`Only local references (#/$defs/…) are supported, not "${reference}".`);
    }
    if (reference === '#') return this.rootSchema;
    if (!reference.startsWith('#/')) throw new SchemaGrammarError(`Anchor references such as "${reference}" are not supported.`);
    let target: unknown = this.rootSchema;
    for (const rawSegment of reference.slice(2).split('/')) {
      const segment = decodeURIComponent(rawSegment).replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(target)) target = target[Number(segment)];
      else if (isRecord(target)) target = target[segment];
      else target = undefined;
      if (target === undefined) throw new SchemaGrammarError(`The reference "${reference}" points to nothing.`);
    }
    return target;
  }

  private refRule(reference: string): string {
    const known = this.refRules.get(reference);
    if (known) return known;
    const target = this.resolveRef(reference);
    const lastSegment = reference === '#' ? 'root' : (reference.split('/').pop() ?? 'ref');
    const name = this.uniqueName(`ref-${lastSegment}`);
    this.refRules.set(reference, name);
    // Reserve the name first: a recursive schema refers to itself while its body is built.
    this.rules.set(name, '');
    const body = this.visitBody(target, name);
    this.rules.set(name, body);
    return name;
  }

  /** allOf semantics for the common cases: object parts merged, bounds tightened. */
  private mergeSchemas(parts: readonly unknown[], depth = 0): SchemaObject {
    if (depth > 20) throw new SchemaGrammarError('"allOf" nests too deeply (recursive?).');
    const flat: SchemaObject[] = [];
    for (const part of parts) {
      if (part === true || part === undefined) continue;
      if (part === false) throw new SchemaGrammarError('"allOf" with a `false` part accepts no value.');
      if (!isRecord(part)) continue;
      let resolved: SchemaObject = part;
      if (typeof part.$ref === 'string') {
        const target = this.resolveRef(part.$ref);
        resolved = this.mergeSchemas([target, this.constraintKeywords(part, ['$ref'])], depth + 1);
      }
      if (Array.isArray(resolved.allOf)) {
        flat.push(this.mergeSchemas([this.constraintKeywords(resolved, ['allOf']), ...resolved.allOf], depth + 1));
      } else flat.push(resolved);
    }

    const merged: SchemaObject = {};
    const closedPropertySets: Set<string>[] = [];
    for (const part of flat) {
      if (part.additionalProperties === false && isRecord(part.properties)) closedPropertySets.push(new Set(Object.keys(part.properties)));
      for (const [key, value] of Object.entries(part)) {
        if (annotationKeywords.has(key)) continue;
        const previous = merged[key];
        if (previous === undefined) {
          merged[key] = value;
          continue;
        }
        switch (key) {
          case 'properties': {
            const properties: SchemaObject = { ...(isRecord(previous) ? previous : {}) };
            if (isRecord(value)) {
              for (const [name, propertySchema] of Object.entries(value)) {
                properties[name] = name in properties ? { allOf: [properties[name], propertySchema] } : propertySchema;
              }
            }
            merged.properties = properties;
            break;
          }
          case 'required':
            merged.required = [...new Set([...(Array.isArray(previous) ? previous : []), ...(Array.isArray(value) ? value : [])])];
            break;
          case 'type': {
            const before = Array.isArray(previous) ? previous : [previous];
            const after = Array.isArray(value) ? value : [value];
            const both = before.filter((type) => after.includes(type) || (type === 'integer' && after.includes('number')));
            for (const type of after) if (type === 'integer' && before.includes('number') && !both.includes('integer')) both.push('integer');
            if (both.length === 0) throw new SchemaGrammarError('"allOf" parts disagree on the type.');
            merged.type = both.length === 1 ? both[0] : both;
            break;
          }
          case 'enum': {
            const allowed = new Set((Array.isArray(value) ? value : []).map((item) => JSON.stringify(item)));
            merged.enum = (Array.isArray(previous) ? previous : []).filter((item) => allowed.has(JSON.stringify(item)));
            break;
          }
          case 'additionalProperties':
            merged.additionalProperties =
              previous === false || value === false ? false : previous === true ? value : value === true ? previous : { allOf: [previous, value] };
            break;
          case 'minLength':
          case 'minItems':
          case 'minProperties':
          case 'minimum':
          case 'exclusiveMinimum':
            merged[key] = typeof previous === 'number' && typeof value === 'number' ? Math.max(previous, value) : value;
            break;
          case 'maxLength':
          case 'maxItems':
          case 'maxProperties':
          case 'maximum':
          case 'exclusiveMaximum':
            merged[key] = typeof previous === 'number' && typeof value === 'number' ? Math.min(previous, value) : value;
            break;
          case 'anyOf':
          case 'oneOf':
            this.warn('Several "anyOf"/"oneOf" lists under "allOf": only the last is enforced.');
            merged[key] = value;
            break;
          default:
            merged[key] = value;
        }
      }
    }
    // A part with additionalProperties: false forbids what it does not declare, whoever declares it.
    if (closedPropertySets.length > 0 && isRecord(merged.properties)) {
      const properties: SchemaObject = {};
      for (const [name, propertySchema] of Object.entries(merged.properties)) {
        if (closedPropertySets.every((set) => set.has(name))) properties[name] = propertySchema;
        else if (Array.isArray(merged.required) && merged.required.includes(name)) {
          throw new SchemaGrammarError(`"allOf" requires "${name}" but one part forbids it.`);
        }
      }
      merged.properties = properties;
    }
    return merged;
  }

  // ---- generic JSON --------------------------------------------------------------------

  private valueRule(): string {
    return this.primitive('value', () => {
      const alternatives = [this.genericObjectRule(), this.genericArrayRule(), this.stringRule(0, undefined), this.numberRule(), 'boolean', 'null'];
      this.primitive('boolean', () => '"true" | "false"');
      this.primitive('null', () => '"null"');
      return alternatives.join(' | ');
    });
  }

  private genericObjectRule(): string {
    return this.primitive('object', () => {
      const member = this.primitive('member', () => this.sequence(this.stringRule(0, undefined), this.ws(), '":"', this.ws(), 'value'));
      const more = this.repeat(this.sequence(this.separator(), member), 0, this.limitOrUndefined(this.options.maxAdditionalProperties, -1));
      return this.sequence('"{"', this.ws(), gbnfAtom(this.sequence(member, more)) + '?', this.ws(), '"}"');
    });
  }

  private genericArrayRule(): string {
    return this.primitive('array', () => {
      const more = this.repeat(this.sequence(this.separator(), 'value'), 0, this.limitOrUndefined(this.options.maxArrayItems, -1));
      return this.sequence('"["', this.ws(), gbnfAtom(this.sequence('value', more)) + '?', this.ws(), '"]"');
    });
  }

  private limitOrUndefined(limit: number | undefined, offset: number): number | undefined {
    return limit === undefined ? undefined : Math.max(0, limit + offset);
  }

  // ---- strings -------------------------------------------------------------------------

  private charRule(): string {
    return this.primitive('char', () => {
      const raw = gbnfCharClass(this.rawCharacters());
      const escaped = gbnfCharClass([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].map((code) => ({ from: code, to: code })));
      // \u escapes stop short of surrogates, so every escape is exactly one character.
      const unicode = '"u" ([0-9a-cA-Ce-fE-F] [0-9a-fA-F]{3} | [dD] [0-7] [0-9a-fA-F]{2})';
      return `${raw} | "\\\\" (${escaped} | ${unicode})`;
    });
  }

  private stringRule(minLength: number, maxLength: number | undefined): string {
    let max = maxLength;
    if (this.options.maxStringLength !== undefined) max = Math.min(max ?? Infinity, this.options.maxStringLength);
    if (max !== undefined && max < minLength) max = minLength;
    const char = this.charRule();
    const body = this.sequence('"\\""', this.repeat(char, minLength, max), '"\\""');
    if (minLength === 0 && max === maxLength && maxLength === undefined) return this.primitive('string', () => body);
    if (minLength === 0 && max === this.options.maxStringLength) return this.primitive('string', () => body);
    return this.rule(`string-${minLength}-${max ?? 'more'}`, body);
  }

  private stringBody(schema: SchemaObject, hint: string): string {
    const minLength = isFiniteNumber(schema.minLength) ? Math.max(0, Math.ceil(schema.minLength)) : 0;
    const maxLength = isFiniteNumber(schema.maxLength) ? Math.floor(schema.maxLength) : undefined;
    if (maxLength !== undefined && maxLength < minLength) throw new SchemaGrammarError('"maxLength" is below "minLength".');
    if (typeof schema.format === 'string') {
      const format = this.formatRule(schema.format);
      if (format) {
        if (minLength > 0 || maxLength !== undefined) this.warn(`"minLength"/"maxLength" are not enforced beside format "${schema.format}".`);
        return format;
      }
      this.warn(`Format "${schema.format}" is not enforced; any string is allowed.`);
    }
    if (typeof schema.pattern === 'string') {
      try {
        const inner = regexToGbnf(schema.pattern, { unboundedLimit: this.options.maxStringLength, ascii: this.options.characters === 'ascii' });
        if (minLength > 0 || maxLength !== undefined) this.warn('"minLength"/"maxLength" are not enforced beside "pattern".');
        return this.rule(`${hint}-pattern`, this.sequence('"\\""', inner, '"\\""'));
      } catch (error) {
        if (!(error instanceof UnsupportedPatternError)) throw error;
        this.warn(`Pattern ${JSON.stringify(schema.pattern)} is not enforced (${error.message}); any string is allowed.`);
      }
    }
    return this.stringRule(minLength, maxLength);
  }

  private formatRule(format: string): string | undefined {
    const quoted = (name: string, body: () => string) => {
      const inner = this.primitive(name, body);
      return this.primitive(`${name}-string`, () => this.sequence('"\\""', inner, '"\\""'));
    };
    const twoDigitHour = '([01] [0-9] | "2" [0-3])';
    const minuteOrSecond = '[0-5] [0-9]';
    const date = () => '[0-9]{4} "-" ("0" [1-9] | "1" [0-2]) "-" ("0" [1-9] | [12] [0-9] | "3" [01])';
    const time = () =>
      `${twoDigitHour} ":" ${minuteOrSecond} ":" ${minuteOrSecond} ("." [0-9]{1,3})? ("Z" | [+\\x2D] ${twoDigitHour} ":" ${minuteOrSecond})`;
    switch (format) {
      case 'date':
        return quoted('date', date);
      case 'time':
        return quoted('time', time);
      case 'date-time':
        return quoted('date-time', () => this.sequence(this.primitive('date', date), '"T"', this.primitive('time', time)));
      case 'uuid':
        return quoted('uuid', () => '[0-9a-f]{8} "-" [0-9a-f]{4} "-" [0-9a-f]{4} "-" [0-9a-f]{4} "-" [0-9a-f]{12}');
      case 'email':
        return quoted('email', () => '[a-zA-Z0-9._+\\x2D]{1,32} "@" [a-z0-9] ([a-z0-9\\x2D]{0,20} [a-z0-9])? ("." [a-z]{2,8}){1,3}');
      case 'ipv4':
        return quoted('ipv4', () => {
          const octet = gbnfSequencePart(naturalRangeExpression(0, 255));
          return `${octet} "." ${octet} "." ${octet} "." ${octet}`;
        });
      case 'uri':
      case 'url':
      case 'iri':
      case 'uri-reference':
      case 'iri-reference':
        return quoted('uri', () => {
          const limit = this.options.maxStringLength ?? 64;
          const pathCharacter = '([a-zA-Z0-9._~!$&\'()*+,;=:@\\x2D] | "%" [0-9A-F]{2})';
          return (
            `"http" "s"? "://" [a-z0-9] ([a-z0-9\\x2D]{0,20} [a-z0-9])? ("." [a-z0-9] ([a-z0-9\\x2D]{0,20} [a-z0-9])?){0,3} ("/" ${pathCharacter}{0,${limit}}){0,6}` +
            ` ("?" (${pathCharacter} | "/" | "?"){0,${limit}})? ("#" ${pathCharacter}{0,${limit}})?`
          );
        });
      default:
        return undefined;
    }
  }

  // ---- numbers -------------------------------------------------------------------------

  private numberRule(): string {
    return this.primitive('number', () => `"-"? ("0" | [1-9] [0-9]{0,14}) ("." [0-9]{1,15})? ([eE] [-+]? [0-9]{1,2})?`);
  }

  private integerBody(schema: SchemaObject): string {
    if ('multipleOf' in schema) this.warn(ignoredKeywordWarnings.multipleOf ?? '');
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = this.bounds(schema);
    const low = minimum === undefined ? undefined : exclusiveMinimum ? Math.floor(minimum) + 1 : Math.ceil(minimum);
    const high = maximum === undefined ? undefined : exclusiveMaximum ? Math.ceil(maximum) - 1 : Math.floor(maximum);
    if (low === undefined && high === undefined) return this.primitive('integer', () => integerRangeExpression());
    if (low !== undefined && high !== undefined && low > high) throw new SchemaGrammarError('No integer lies between "minimum" and "maximum".');
    return integerRangeExpression(low, high);
  }

  /** Bounds with draft-4 (boolean) and draft-6+ (numeric) exclusive forms folded together. */
  private bounds(schema: SchemaObject): { minimum?: number; maximum?: number; exclusiveMinimum: boolean; exclusiveMaximum: boolean } {
    let minimum = isFiniteNumber(schema.minimum) ? schema.minimum : undefined;
    let maximum = isFiniteNumber(schema.maximum) ? schema.maximum : undefined;
    let exclusiveMinimum = schema.exclusiveMinimum === true;
    let exclusiveMaximum = schema.exclusiveMaximum === true;
    if (isFiniteNumber(schema.exclusiveMinimum) && (minimum === undefined || schema.exclusiveMinimum >= minimum)) {
      minimum = schema.exclusiveMinimum;
      exclusiveMinimum = true;
    }
    if (isFiniteNumber(schema.exclusiveMaximum) && (maximum === undefined || schema.exclusiveMaximum <= maximum)) {
      maximum = schema.exclusiveMaximum;
      exclusiveMaximum = true;
    }
    return { minimum, maximum, exclusiveMinimum, exclusiveMaximum };
  }

  private numberBody(schema: SchemaObject): string {
    if ('multipleOf' in schema) this.warn(ignoredKeywordWarnings.multipleOf ?? '');
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = this.bounds(schema);
    if (minimum === undefined && maximum === undefined) return this.numberRule();
    if (minimum !== undefined && maximum !== undefined && (minimum > maximum || (minimum === maximum && (exclusiveMinimum || exclusiveMaximum)))) {
      throw new SchemaGrammarError('No number lies between "minimum" and "maximum".');
    }
    const alternatives: string[] = [];
    if (minimum === undefined || minimum < 0) {
      // value = -magnitude, so the magnitude's bounds are the value's bounds mirrored.
      const negativeOnly = maximum !== undefined && maximum < 0;
      const magnitude = this.magnitudeRange(
        negativeOnly ? -(maximum ?? 0) : 0,
        negativeOnly ? exclusiveMaximum : true,
        minimum === undefined ? undefined : -minimum,
        exclusiveMinimum,
      );
      alternatives.push(this.sequence('"-"', magnitude));
    }
    if (maximum === undefined || maximum > 0 || (maximum === 0 && !exclusiveMaximum)) {
      const nonNegativeLow = minimum !== undefined && minimum >= 0;
      alternatives.push(this.magnitudeRange(nonNegativeLow ? (minimum ?? 0) : 0, nonNegativeLow ? exclusiveMinimum : false, maximum, exclusiveMaximum));
    }
    return alternatives.join(' | ');
  }

  /**
   * Unsigned decimals in the range: an integer part k with any fraction when [k, k+1) fits,
   * the top integer itself, and "0.…" style fractions just above an exclusive integer bottom.
   */
  private magnitudeRange(low: number, lowExclusive: boolean, high: number | undefined, highExclusive: boolean): string {
    const fraction = '("." [0-9]{1,15})?';
    const alternatives: string[] = [];
    const lowestInteger = lowExclusive ? Math.floor(low) + 1 : Math.ceil(low);
    // [k, k+1) fits below `high` when k + 1 <= high, exclusive or not.
    const highestWithFraction = high === undefined ? undefined : Math.floor(high) - 1;
    if (highestWithFraction === undefined || lowestInteger <= highestWithFraction) {
      alternatives.push(this.sequence(naturalRangeExpression(lowestInteger, highestWithFraction), fraction));
    }
    if (high !== undefined) {
      const top = Math.floor(high);
      const topAllowed = !(highExclusive && top === high) && top >= lowestInteger;
      if (topAllowed) alternatives.push(`"${top}"`);
    }
    if (lowExclusive && Number.isInteger(low) && (high === undefined || low + 1 <= high)) {
      alternatives.push(`"${low}." [0-9]{0,14} [1-9]`);
    }
    if (alternatives.length === 0) {
      this.warn(`Only the midpoint of the range [${low}, ${high}] is generated.`);
      alternatives.push(`"${((low + (high ?? low)) / 2).toString()}"`);
    }
    return alternatives.join(' | ');
  }

  // ---- objects -------------------------------------------------------------------------

  private objectBody(schema: SchemaObject, hint: string): string {
    if ('minProperties' in schema || 'maxProperties' in schema) this.warn('"minProperties"/"maxProperties" are not enforced.');
    const declared = isRecord(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []);
    const members: { name: string; required: boolean; schema: unknown }[] = [];
    for (const [name, propertySchema] of Object.entries(declared)) {
      if (propertySchema === false) {
        if (required.has(name)) throw new SchemaGrammarError(`Property "${name}" is required but its schema is \`false\`.`);
        continue;
      }
      members.push({ name, required: required.has(name), schema: propertySchema });
    }
    for (const name of required) if (!(name in declared)) members.push({ name, required: true, schema: true });

    // Without "properties" an object schema means any object; with them, the listed ones only.
    const additional = schema.additionalProperties ?? (isRecord(schema.properties) ? false : true);
    const parts = members.map((member) =>
      this.rule(`${hint}-${sanitizeName(member.name)}-kv`, this.sequence(gbnfJsonLiteral(member.name, this.ascii), this.ws(), '":"', this.ws(), this.visit(member.schema, `${hint}-${member.name}`))),
    );
    let extra: string | undefined;
    if (additional !== false) {
      const key = this.keyExceptRule(members.map((member) => member.name), hint);
      const value = this.visit(additional, `${hint}-additional`);
      extra = this.rule(`${hint}-additional-kv`, this.sequence(key, this.ws(), '":"', this.ws(), value));
    }
    const maxExtra = this.options.maxAdditionalProperties;
    const separator = this.separator();
    const open = this.sequence('"{"', this.ws());
    const close = this.sequence(this.ws(), '"}"');

    const firstRequired = members.findIndex((member) => member.required);
    if (firstRequired < 0) {
      // Any in-order subset: chain(i) is a non-empty subset of members i… (and then extras).
      const items = [...parts];
      if (extra && maxExtra !== 0) items.push(this.sequence(extra, this.repeat(this.sequence(separator, extra), 0, this.limitOrUndefined(maxExtra, -1))));
      if (items.length === 0) return this.sequence('"{"', this.ws(), '"}"');
      let chain = items[items.length - 1] ?? '';
      for (let index = items.length - 2; index >= 0; index--) {
        const rest = this.rule(`${hint}-rest-${index + 1}`, chain);
        chain = `${this.sequence(items[index] ?? '', gbnfAtom(this.sequence(separator, rest)) + '?')} | ${rest}`;
      }
      return this.sequence(open, gbnfAtom(chain) + '?', close);
    }

    const pieces: string[] = [open];
    members.forEach((member, index) => {
      const part = parts[index] ?? '';
      if (index < firstRequired) pieces.push(gbnfAtom(this.sequence(part, separator)) + '?');
      else if (index === firstRequired) pieces.push(part);
      else if (member.required) pieces.push(this.sequence(separator, part));
      else pieces.push(gbnfAtom(this.sequence(separator, part)) + '?');
    });
    if (extra) pieces.push(this.repeat(this.sequence(separator, extra), 0, maxExtra));
    pieces.push(close);
    return this.sequence(...pieces);
  }

  /**
   * A JSON string key that is none of `names`, written without escapes (an escape could spell
   * a declared name in disguise). Built from a trie of the names.
   */
  private keyExceptRule(names: readonly string[], hint: string): string {
    const limit = this.options.maxStringLength;
    const rawCharacters = this.rawCharacters();
    const plain = gbnfCharClass(rawCharacters);
    if (names.length === 0) return this.rule(`${hint}-key`, this.sequence('"\\""', this.repeat(plain, 0, limit), '"\\""'));

    interface TrieNode {
      children: Map<string, TrieNode>;
      end: boolean;
    }
    const root: TrieNode = { children: new Map(), end: false };
    for (const name of names) {
      let node = root;
      for (const character of name) {
        let child = node.children.get(character);
        if (!child) {
          child = { children: new Map(), end: false };
          node.children.set(character, child);
        }
        node = child;
      }
      node.end = true;
    }
    const isPlain = (character: string) => rangesContain(rawCharacters, character.codePointAt(0) ?? 0);
    // null: no key can go on from here; '': the key must end here.
    const build = (node: TrieNode, depth: number): string | null => {
      const alternatives: string[] = [];
      if (limit === undefined || depth < limit) {
        for (const [character, child] of node.children) {
          if (!isPlain(character)) continue;
          const rest = build(child, depth + 1);
          if (rest === null) continue;
          alternatives.push(rest === '' ? gbnfLiteral(character) : this.sequence(gbnfLiteral(character), gbnfAtom(rest)));
        }
        const childRanges = [...node.children.keys()].map((character) => ({ from: character.codePointAt(0) ?? 0, to: character.codePointAt(0) ?? 0 }));
        const others = gbnfCharClass(subtractRanges(rawCharacters, childRanges));
        alternatives.push(this.sequence(others, this.repeat(plain, 0, limit === undefined ? undefined : limit - depth - 1)));
      }
      const body = alternatives.join(' | ');
      if (node.end) return body === '' ? null : body;
      return body === '' ? '' : `(${body})?`;
    };
    const body = build(root, 0);
    if (body === null) throw new SchemaGrammarError('No extra property name is possible within the length limit.');
    return this.rule(`${hint}-key`, this.sequence('"\\""', body, '"\\""'));
  }

  // ---- arrays --------------------------------------------------------------------------

  private arrayBody(schema: SchemaObject, hint: string): string {
    if ('uniqueItems' in schema && schema.uniqueItems === true) this.warn(ignoredKeywordWarnings.uniqueItems ?? '');
    if ('contains' in schema) this.warn(ignoredKeywordWarnings.contains ?? '');
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : [];
    const rest: unknown = Array.isArray(schema.items) ? (schema.additionalItems ?? true) : (schema.items ?? true);
    const minItems = isFiniteNumber(schema.minItems) ? Math.max(0, Math.ceil(schema.minItems)) : 0;
    let maxItems = isFiniteNumber(schema.maxItems) ? Math.floor(schema.maxItems) : undefined;
    if (maxItems !== undefined && maxItems < minItems) throw new SchemaGrammarError('"maxItems" is below "minItems".');
    if (maxItems === undefined && this.options.maxArrayItems !== undefined) maxItems = Math.max(minItems, this.options.maxArrayItems);

    const separator = this.separator();
    const open = this.sequence('"["', this.ws());
    const close = this.sequence(this.ws(), '"]"');
    const items: string[] = [];
    const tupleLength = maxItems === undefined ? prefix.length : Math.min(prefix.length, maxItems);
    for (let index = 0; index < tupleLength; index++) items.push(this.visit(prefix[index], `${hint}-${index}`));
    const extraMin = Math.max(0, minItems - tupleLength);
    const extraMax = maxItems === undefined ? undefined : maxItems - tupleLength;
    if (rest === false && extraMin > 0) throw new SchemaGrammarError('"minItems" asks for more items than the tuple allows.');

    if (tupleLength === 0) {
      if (rest === false || extraMax === 0) return this.sequence(open, close);
      const item = this.visit(rest, `${hint}-item`);
      const tail = this.repeat(this.sequence(separator, item), Math.max(0, extraMin - 1), extraMax === undefined ? undefined : extraMax - 1);
      const list = this.sequence(item, tail);
      return this.sequence(open, extraMin >= 1 ? list : gbnfAtom(list) + '?', close);
    }
    const pieces: string[] = [open, items.join(` ${separator} `)];
    if (rest !== false && (extraMax === undefined || extraMax > 0)) {
      const item = this.visit(rest, `${hint}-item`);
      pieces.push(this.repeat(this.sequence(separator, item), extraMin, extraMax));
    }
    pieces.push(close);
    return this.sequence(...pieces);
  }
}

function matchesType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    default:
      return false;
  }
}
