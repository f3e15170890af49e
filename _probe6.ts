import { FfmpegPool } from "./media/ffmpeg.ts";
import { remuxWebm, extractWav } from "./media/remux.ts";
const camera = await Deno.readFile(".test-cache/media/live-120s_testsrc2-vp8-640x480-15fps-1M_opus-32k.webm");
const mic = await Deno.readFile(".test-cache/media/live-120s_novideo_opus-32k.webm");
const pool = new FfmpegPool({ concurrency: Number(Deno.args[0] ?? 1) });
let peak = 0;
setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 5);
const mb = (n: number) => (n / 1e6).toFixed(0);
console.log("start", mb(Deno.memoryUsage().rss));
for (let i = 0; i < 8; i++) {
  peak = 0;
  await Promise.all([remuxWebm(pool, camera), remuxWebm(pool, camera)]);
  console.log("remux x2", i, "peak", mb(peak), "now", mb(Deno.memoryUsage().rss));
}
for (let i = 0; i < 3; i++) {
  peak = 0;
  await extractWav(pool, mic);
  console.log("wav", i, "peak", mb(peak), "now", mb(Deno.memoryUsage().rss));
}
Deno.exit(0);
