export function compileFlite(): Promise<WebAssembly.Module>;
export function wavPcm(wav: Buffer): { pcm: Int16Array; sampleRate: number };
export function synthesizeWithFlite(dir: string, voice: string, text: string): Promise<Int16Array>;
