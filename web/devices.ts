/// <reference lib="dom" />
/**
 * The device check: camera and microphone with a preview and a live level
 * meter, and an optional screen share.
 *
 * @module
 */

/** The candidate's media: camera with microphone, and the screen when shared. */
export class Devices {
  camera: MediaStream | null = null;
  screen: MediaStream | null = null;
  #audio: AudioContext | null = null;

  /** Asks for camera and microphone, previews them and drives `meter` from the microphone. */
  async enableCamera(preview: HTMLVideoElement, meter: HTMLMeterElement): Promise<void> {
    const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    this.camera = stream;
    preview.srcObject = stream;
    await preview.play().catch(() => {});
    // The context is created here, inside the click handler, because browsers only start audio after a gesture.
    this.#audio = new AudioContext();
    const analyser = this.#audio.createAnalyser();
    analyser.fftSize = 1024;
    this.#audio.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const update = () => {
      if (this.camera !== stream) return;
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      // Speech RMS sits around 0.05–0.2; scaling by 4 spreads it over the meter.
      meter.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      requestAnimationFrame(update);
    };
    update();
  }

  /** Starts a screen share; `onEnded` runs when the candidate stops it from the browser's bar. */
  async shareScreen(preview: HTMLVideoElement, onEnded: () => void): Promise<void> {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    this.screen = stream;
    preview.srcObject = stream;
    await preview.play().catch(() => {});
    stream.getVideoTracks()[0]?.addEventListener("ended", () => {
      if (this.screen !== stream) return;
      this.screen = null;
      preview.srcObject = null;
      onEnded();
    });
  }

  /** Turns camera, microphone and screen off, once the interview is over. */
  stopAll(): void {
    for (const track of [...this.camera?.getTracks() ?? [], ...this.screen?.getTracks() ?? []]) {
      track.stop();
    }
    this.camera = this.screen = null;
    void this.#audio?.close();
    this.#audio = null;
  }

  /** Stops the screen share. */
  stopScreen(preview: HTMLVideoElement): void {
    for (const track of this.screen?.getTracks() ?? []) track.stop();
    this.screen = null;
    preview.srcObject = null;
  }
}
