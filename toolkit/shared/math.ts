import type { MathJsInstance } from 'mathjs';
import { errorMessage } from '../../src/core/errors.ts';
import { maxMatrixElements, type CalculationOutcome } from './math-protocol.ts';

// Functions that could re-enter the parser or change the shared instance (its config, units and
// functions would leak from one step into the next), as the mathjs security notes recommend.
const blockedFunctions = ['import', 'createUnit', 'evaluate', 'parse', 'simplify', 'derivative', 'compile', 'resolve', 'reviver', 'parser', 'config'];

/** A matrix, array or range larger than `maxMatrixElements`. */
class MatrixSizeError extends Error {
  override readonly name = 'MatrixSizeError';
}

type Shape = readonly number[];
type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
/** The instance as this module uses it: mathjs's own types do not describe its internals. */
type MathInstance = MathJsInstance & {
  expression: { mathWithTransform: Record<string, unknown> };
  typed: ((name: string, signatures: Record<string, AnyFunction>) => AnyFunction) & { isTypedFunction(value: unknown): boolean };
  DenseMatrix: { prototype: MatrixMethods };
  SparseMatrix: { prototype: MatrixMethods };
};
type MatrixMethod = (this: MatrixMethods, ...args: unknown[]) => unknown;
interface MatrixMethods {
  size(): number[];
  resize: MatrixMethod;
  subset: MatrixMethod;
  set: MatrixMethod;
}
interface IndexLike {
  size(): number[];
  max(): unknown[];
  isObjectProperty(): boolean;
}
/** A parse-tree node, as the transforms of `map`, `and`, … receive them. */
interface ExpressionNode {
  compile(): { evaluate(scope: unknown): unknown };
}

// The side of the largest square matrix, for messages.
const maxSquareSide = Math.floor(Math.sqrt(maxMatrixElements));

function formatCount(count: number): string {
  return Number.isFinite(count) ? Math.round(count).toLocaleString('en-US') : 'infinitely many';
}

function checkElements(count: number | undefined, subject: string): void {
  if (count !== undefined && count > maxMatrixElements) {
    throw new MatrixSizeError(
      `matrices are limited to ${formatCount(maxMatrixElements)} elements (${maxSquareSide} x ${maxSquareSide}); ${subject} would have ${formatCount(count)}`,
    );
  }
}

const product = (numbers: readonly number[]) => numbers.reduce((total, number) => total * number, 1);
const sum = (numbers: readonly number[]) => numbers.reduce((total, number) => total + number, 0);

/** Makes a mathjs instance for untrusted input; mathjs is imported here, on first use. */
async function createCalculator(): Promise<(expression: string) => CalculationOutcome> {
  const { create, all } = await import('mathjs');
  if (!all) throw new Error('the mathjs library did not load its functions');
  const math = create(all) as MathInstance;
  const evaluate = math.evaluate.bind(math);
  const format = (value: unknown) => math.format(value, { precision: 14 });

  const isCollection = (value: unknown): boolean => Array.isArray(value) || math.isMatrix(value);

  /** Size of a matrix or nested array; undefined for anything else. */
  function shapeOf(value: unknown): Shape | undefined {
    if (math.isMatrix(value)) return value.size();
    if (!Array.isArray(value)) return undefined;
    const shape: number[] = [];
    for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
    return shape;
  }

  const elementsOf = (value: unknown): number => product(shapeOf(value) ?? []);

  /** A number from a number, BigNumber, Fraction, bigint, boolean or numeric string; NaN otherwise. */
  function toNumber(value: unknown): number {
    if (typeof value === 'string') return value.trim() === '' ? Number.NaN : Number(value);
    return math.isNumeric(value) ? Number(value) : Number.NaN;
  }

  /** The sizes given to a creating function: numbers, or arrays and matrices of numbers. */
  function sizesFrom(args: readonly unknown[]): number[] {
    return args
      .flatMap((argument) => (isCollection(argument) ? ((math.isMatrix(argument) ? argument.valueOf() : argument) as unknown[]).flat(Infinity) : [argument]))
      .map(toNumber)
      .filter((size) => !Number.isNaN(size));
  }

  /** Right-aligned broadcasting, as mathjs does it: the result takes the largest size on each axis. */
  function broadcastElements(shapes: readonly Shape[]): number | undefined {
    if (shapes.length < 2) return undefined;
    const rank = Math.max(...shapes.map((shape) => shape.length));
    const sizes = Array.from({ length: rank }, (_, axis) => Math.max(...shapes.map((shape) => shape[axis - rank + shape.length] ?? 1)));
    return product(sizes);
  }

  function rangeLength(args: readonly unknown[]): number | undefined {
    const [start, end, step = 1] =
      typeof args[0] === 'string' ? rangeTextParts(args[0]) : [args[0], args[1], typeof args[2] === 'boolean' ? 1 : args[2]];
    try {
      // Through mathjs, so that ranges of units (0 m:1 m:5 km) are counted as well.
      const steps = toNumber(math.divide(math.subtract(end as number, start as number), step as number));
      return Number.isNaN(steps) ? undefined : Math.floor(Math.abs(steps)) + 1;
    } catch {
      return undefined;
    }
  }

  function rangeTextParts(text: string): unknown[] {
    const parts = text.split(':').map(Number);
    return parts.length === 3 ? [parts[0], parts[2], parts[1]] : parts;
  }

  /** Elements of a matrix product, fold by fold (`multiply(a, b, c)`); scalars keep the other's size. */
  function productElements(args: readonly unknown[]): number | undefined {
    let shape: Shape | undefined;
    let largest = 0;
    for (const argument of args) {
      const next = shapeOf(argument);
      if (shape && next) {
        shape = [shape.length >= 2 ? (shape[0] ?? 1) : 1, next.length >= 2 ? (next.at(-1) ?? 1) : 1];
      } else {
        shape = shape ?? next;
      }
      largest = Math.max(largest, product(shape ?? []));
    }
    return largest;
  }

  /** Selecting from or assigning into a matrix through an index; assignment grows the matrix. */
  function checkIndexing(shape: Shape, index: unknown, assigning: boolean): void {
    if (!math.isIndex(index)) return;
    const indexLike = index as unknown as IndexLike;
    if (indexLike.isObjectProperty()) return;
    checkElements(product(indexLike.size()), 'the selected part');
    if (!assigning) return;
    const last = indexLike.max().map(toNumber);
    const grown = Array.from({ length: Math.max(shape.length, last.length) }, (_, axis) => Math.max(shape[axis] ?? 1, (last[axis] ?? 0) + 1));
    checkElements(product(grown), 'the matrix after this assignment');
  }

  // How many elements a call would make, for the functions that can make more than they are given.
  const resultElements: Record<string, (args: readonly unknown[]) => number | undefined> = {
    ones: (args) => product(sizesFrom(args)),
    zeros: (args) => product(sizesFrom(args)),
    identity: (args) => {
      const sizes = sizesFrom(args);
      return sizes.length === 1 ? (sizes[0] ?? 0) ** 2 : product(sizes);
    },
    random: (args) => (isCollection(args[0]) ? product(sizesFrom([args[0]])) : undefined),
    randomInt: (args) => (isCollection(args[0]) ? product(sizesFrom([args[0]])) : undefined),
    pickRandom: (args) => {
      const options = args[1];
      return toNumber(typeof options === 'object' && options !== null && 'number' in options ? options.number : options);
    },
    resize: (args) => product(sizesFrom([args[1]])),
    matrixFromFunction: (args) => product(sizesFrom([args[0]])),
    range: rangeLength,
    diag: (args) => {
      const shape = shapeOf(args[0]);
      return shape?.length === 1 ? ((shape[0] ?? 0) + (Math.abs(toNumber(args[1])) || 0)) ** 2 : undefined;
    },
    kron: (args) => elementsOf(args[0]) * elementsOf(args[1]),
    concat: (args) => sum(args.map(elementsOf)),
    matrixFromRows: (args) => sum(args.map(elementsOf)),
    matrixFromColumns: (args) => sum(args.map(elementsOf)),
    multiply: productElements,
    setCartesian: (args) => 2 * elementsOf(args[0]) * elementsOf(args[1]),
    setPowerset: (args) => 2 ** elementsOf(args[0]),
    // Selections and assignments are checked on their own terms; neither broadcasts.
    subset: (args) => {
      checkIndexing(shapeOf(args[0]) ?? [], args[1], args.length > 2);
      return undefined;
    },
  };

  // Any other function with several matrix arguments broadcasts them to a common size at most.
  const broadcastArguments = (args: readonly unknown[]) => broadcastElements(args.map(shapeOf).filter((shape) => shape !== undefined));

  /** Checks a call (its arguments are `inputs`) before it runs, and its result after. */
  function guardedCall(name: string, original: AnyFunction, self: unknown, args: unknown[], inputs: readonly unknown[] = args): unknown {
    checkElements((resultElements[name] ?? broadcastArguments)(inputs), `the result of ${name}`);
    const result = original.apply(self, args);
    checkElements(elementsOf(result), `the result of ${name}`);
    return result;
  }

  function guard(name: string, original: AnyFunction): AnyFunction {
    if (math.typed.isTypedFunction(original)) {
      // A typed function again, with each signature checked: mathjs reads the signatures of
      // functions passed as callbacks (map([1, 4], sqrt)).
      const signatures = (original as unknown as { signatures: Record<string, AnyFunction> }).signatures;
      const checked = Object.fromEntries(
        Object.entries(signatures).map(([signature, implementation]) => {
          // typed-function passes the values of a rest parameter (`...Matrix`) as one array.
          const variadic = signature.split(',').at(-1)?.trim().startsWith('...') ?? false;
          return [
            signature,
            function (this: unknown, ...args: unknown[]) {
              const inputs = variadic ? [...args.slice(0, -1), ...(args.at(-1) as unknown[])] : args;
              return guardedCall(name, implementation, this, args, inputs);
            },
          ];
        }),
      );
      return math.typed(name, checked);
    }
    if ((original as { rawArgs?: boolean }).rawArgs) return guardRawArguments(name, original);
    return function (this: unknown, ...args: unknown[]) {
      return guardedCall(name, original, this, args);
    };
  }

  /**
   * The transforms of `map`, `and`, … get parse-tree nodes and evaluate them themselves, so their
   * arguments are checked as each is first evaluated: all of them are, before the call broadcasts.
   */
  function guardRawArguments(name: string, original: AnyFunction): AnyFunction {
    const checked = function (this: unknown, ...args: unknown[]) {
      const [nodes, ...rest] = args as [ExpressionNode[], ...unknown[]];
      const shapes: Shape[] = [];
      const watched = nodes.map((node) => {
        const copy = Object.create(node) as ExpressionNode;
        let seen = false;
        copy.compile = () => {
          const compiled = node.compile();
          return {
            evaluate: (scope: unknown) => {
              const value = compiled.evaluate(scope);
              const shape = seen ? undefined : shapeOf(value);
              seen = true;
              if (shape) {
                shapes.push(shape);
                checkElements(broadcastElements(shapes), `the result of ${name}`);
              }
              return value;
            },
          };
        };
        return copy;
      });
      const result = original.call(this, watched, ...rest);
      checkElements(elementsOf(result), `the result of ${name}`);
      return result;
    };
    return Object.assign(checked, { rawArgs: true });
  }

  // Matrix methods are callable from expressions (A.resize([9, 9])), and assignment into a
  // matrix (A[9, 9] = 1) grows it through them; the classes belong to this instance only.
  for (const prototype of [math.DenseMatrix.prototype, math.SparseMatrix.prototype]) {
    const { resize, subset, set } = prototype;
    prototype.resize = function (this: MatrixMethods, size: unknown, ...rest: unknown[]) {
      checkElements(product(sizesFrom([size])), 'the resized matrix');
      return resize.call(this, size, ...rest);
    };
    prototype.subset = function (this: MatrixMethods, index: unknown, ...rest: unknown[]) {
      checkIndexing(this.size(), index, rest.length > 0);
      return subset.call(this, index, ...rest);
    };
    prototype.set = function (this: MatrixMethods, index: unknown, ...rest: unknown[]) {
      const position = Array.isArray(index) ? index.map(toNumber) : [];
      const shape = this.size();
      const grown = Array.from({ length: Math.max(shape.length, position.length) }, (_, axis) => Math.max(shape[axis] ?? 1, (position[axis] ?? 0) + 1));
      checkElements(product(grown), 'the matrix after this assignment');
      return set.call(this, index, ...rest);
    };
  }

  // Expressions resolve functions in this namespace (the transforms with one-based indices); each
  // entry is replaced on first use, so functions nobody calls are never built.
  const namespace = math.expression.mathWithTransform;
  for (const name of Object.keys(namespace)) {
    const descriptor = Object.getOwnPropertyDescriptor(namespace, name);
    let resolved = false;
    let value: unknown;
    Object.defineProperty(namespace, name, {
      configurable: true,
      enumerable: true,
      get() {
        if (!resolved) {
          const original: unknown = descriptor?.get ? descriptor.get.call(namespace) : descriptor?.value;
          value = typeof original === 'function' ? guard(name, original as AnyFunction) : original;
          resolved = true;
        }
        return value;
      },
    });
  }
  for (const name of blockedFunctions) {
    Object.defineProperty(namespace, name, {
      configurable: true,
      enumerable: true,
      value: () => {
        throw new Error(`the function ${name} is disabled in the calculator`);
      },
    });
  }

  function describe(value: unknown): CalculationOutcome {
    if (typeof value === 'function') return { type: 'function' };
    // Several expressions separated by ";" or new lines give a ResultSet: show each result.
    if (typeof value === 'object' && value !== null && 'entries' in value && Array.isArray(value.entries)) {
      return { type: 'value', text: value.entries.map((entry: unknown) => format(entry)).join('; ') };
    }
    return { type: 'value', text: format(value) };
  }

  return (expression) => {
    try {
      // A fresh scope per call: variables assigned in one step never leak into another.
      return describe(evaluate(expression, {}));
    } catch (error) {
      return error instanceof MatrixSizeError ? { type: 'too-large', message: error.message } : { type: 'invalid', message: errorMessage(error) };
    }
  };
}

let calculatorPromise: Promise<(expression: string) => CalculationOutcome> | undefined;

/**
 * Evaluates one expression with a mathjs instance made for untrusted input: the functions that
 * could re-enter the parser or change the instance throw, and no matrix, array or range may have
 * more than `maxMatrixElements` elements. Never throws; failures are outcomes. mathjs is imported
 * on first use, so it stays out of the first load. Runs synchronously once mathjs is loaded: in
 * the page, call it in a worker.
 */
export async function calculate(expression: string): Promise<CalculationOutcome> {
  calculatorPromise ??= createCalculator();
  let run: (expression: string) => CalculationOutcome;
  try {
    run = await calculatorPromise;
  } catch (error) {
    calculatorPromise = undefined;
    return { type: 'unavailable', message: errorMessage(error) };
  }
  return run(expression);
}
