/**
 * The sandbox's one WebAssembly function (byte-writer.ts): gather(list, count, dst) copies `count`
 * pieces, each an (offset, length) pair of i32 stored at `list`, one after the other to `dst`, and
 * returns where the last one ends. In the text format:
 *
 *   (module
 *     (import "env" "memory" (memory 1))
 *     (func (export "gather") (param $list i32) (param $count i32) (param $dst i32) (result i32)
 *       (local $end i32)
 *       (local.set $end (i32.add (local.get $list) (i32.shl (local.get $count) (i32.const 3))))
 *       (block $done
 *         (loop $next
 *           (br_if $done (i32.ge_u (local.get $list) (local.get $end)))
 *           (memory.copy (local.get $dst) (i32.load (local.get $list)) (i32.load offset=4 (local.get $list)))
 *           (local.set $dst (i32.add (local.get $dst) (i32.load offset=4 (local.get $list))))
 *           (local.set $list (i32.add (local.get $list) (i32.const 8)))
 *           (br $next)))
 *       (local.get $dst)))
 *
 * Encoded below instruction by instruction (WebAssembly core specification, binary format;
 * memory.copy is bulk memory, on by default in every supported Node). No toolchain is needed to
 * build it, and `new WebAssembly.Module` validates the bytes. memory.copy is a memmove, so a piece
 * may overlap its destination.
 */

const I32 = 0x7f;
const FUNC_TYPE = 0x60;
const EMPTY_BLOCK = 0x40;
const Section = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;
const ImportKind = { memory: 0x02 } as const;
const ExportKind = { function: 0x00 } as const;
const Op = {
  block: 0x02,
  loop: 0x03,
  br: 0x0c,
  brIf: 0x0d,
  end: 0x0b,
  localGet: 0x20,
  localSet: 0x21,
  /** i32.load, followed by the alignment exponent (2: 4 bytes) and the offset. */
  i32Load: 0x28,
  /** i32.const, followed by a SIGNED LEB128 (the 3 and 8 used here are one byte either way). */
  i32Const: 0x41,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Shl: 0x74,
  /** memory.copy: prefix 0xfc, sub-opcode 10, then the destination and source memory indices. */
  memoryCopy: [0xfc, 0x0a, 0x00, 0x00],
} as const;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (text: string): number[] => {
  const bytes = Buffer.from(text, 'utf8');
  return [...uleb(bytes.length), ...bytes];
};
const section = (id: number, content: number[]): number[] => [id, ...uleb(content.length), ...content];

const LIST = 0;
const COUNT = 1;
const DST = 2;
const END = 3;
const get = (local: number) => [Op.localGet, local];
const set = (local: number) => [Op.localSet, local];
const load = (offset: number) => [Op.i32Load, 2, ...uleb(offset)];

const body = [
  // one local ($end), of type i32
  ...vec([[1, I32]]),
  ...get(LIST),
  ...get(COUNT),
  Op.i32Const,
  3,
  Op.i32Shl,
  Op.i32Add,
  ...set(END),
  Op.block,
  EMPTY_BLOCK,
  Op.loop,
  EMPTY_BLOCK,
  ...get(LIST),
  ...get(END),
  Op.i32GeU,
  Op.brIf,
  1, // out of the block
  ...get(DST),
  ...get(LIST),
  ...load(0),
  ...get(LIST),
  ...load(4),
  ...Op.memoryCopy,
  ...get(DST),
  ...get(LIST),
  ...load(4),
  Op.i32Add,
  ...set(DST),
  ...get(LIST),
  Op.i32Const,
  8,
  Op.i32Add,
  ...set(LIST),
  Op.br,
  0, // back to the loop
  Op.end,
  Op.end,
  ...get(DST),
  Op.end,
];

const BYTES = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d], // "\0asm"
  ...[0x01, 0x00, 0x00, 0x00], // version 1
  ...section(Section.type, vec([[FUNC_TYPE, ...vec([[I32], [I32], [I32]]), ...vec([[I32]])]])),
  ...section(Section.import, vec([[...name('env'), ...name('memory'), ImportKind.memory, 0x00, 1]])),
  ...section(Section.function, vec([[0]])),
  ...section(Section.export, vec([[...name('gather'), ExportKind.function, 0]])),
  ...section(Section.code, vec([[...uleb(body.length), ...body]])),
]);

/**
 * The few WebAssembly JS API members used here. The project compiles without the DOM library, and
 * @types/node does not declare these values, so they are typed here.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `pages` pages of 64 KiB; detaches the previous `buffer`. */
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export const WASM_PAGE_BYTES = 65_536;

export interface Gatherer {
  memory: WasmMemory;
  gather: (list: number, count: number, dst: number) => number;
}

let compiled: object | null = null;

/** A fresh memory (one page) and the gather function bound to it; the module is compiled once. */
export function createGatherer(): Gatherer {
  if (!wasm)
    throw new Error('the sandbox needs WebAssembly, which this Node process lacks (started with --jitless?)');
  compiled ??= new wasm.Module(BYTES);
  const memory = new wasm.Memory({ initial: 1 });
  const { exports } = new wasm.Instance(compiled, { env: { memory } });
  return { memory, gather: exports['gather'] as Gatherer['gather'] };
}
