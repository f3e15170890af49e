import { FfmpegPool } from "./media/ffmpeg.ts";
import { remuxWebm } from "./media/remux.ts";
const camera = await Deno.readFile(".test-cache/media/live-120s_testsrc2-vp8-640x480-15fps-1M_opus-32k.webm");
const pool = new FfmpegPool({ concurrency: 1 });
const mb = (n: number) => (n / 1e6).toFixed(0);
const line = [];
for (let i = 0; i < 80; i++) {
  await remuxWebm(pool, camera);
  if (i % 5 === 4) line.push(mb(Deno.memoryUsage().rss));
}
console.log(line.join(" "));
Deno.exit(0);
