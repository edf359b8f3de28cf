/**
 * A gentle chime, made on the spot with the Web Audio API: three soft bell tones, no sound file,
 * nothing fetched. Browsers start audio only after someone touched the page, so `unlock()` is
 * called from the first tap or click; until then `play()` stays silent.
 */

let context: AudioContext | null = null;

function audio(): AudioContext | null {
	if (context) return context;
	const Ctor =
		window.AudioContext ??
		(window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
	if (!Ctor) return null;
	try {
		context = new Ctor();
	} catch {
		return null;
	}
	return context;
}

/**
 * Call from a user gesture (tap, click, key): afterwards the chime may sound. Resolves with
 * whether sound can play now.
 */
export async function unlockChime(): Promise<boolean> {
	const ctx = audio();
	if (!ctx) return false;
	if (ctx.state === 'suspended') {
		try {
			await ctx.resume();
		} catch {
			return false;
		}
	}
	return ctx.state === 'running';
}

/** A soft bell: a sine tone with a quiet overtone that fades out over a few seconds. */
function bell(ctx: AudioContext, frequency: number, start: number): void {
	const gain = ctx.createGain();
	gain.gain.setValueAtTime(0.0001, start);
	gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02);
	gain.gain.exponentialRampToValueAtTime(0.0001, start + 2.8);
	gain.connect(ctx.destination);
	for (const [ratio, level] of [
		[1, 1],
		[2.76, 0.2]
	] as const) {
		const osc = ctx.createOscillator();
		const partial = ctx.createGain();
		osc.type = 'sine';
		osc.frequency.value = frequency * ratio;
		partial.gain.value = level;
		osc.connect(partial).connect(gain);
		osc.start(start);
		osc.stop(start + 3);
	}
}

/** Plays the chime once (a falling three-note figure: calm, not an alarm). */
export function playChime(): void {
	const ctx = audio();
	if (!ctx || ctx.state !== 'running') return;
	const t = ctx.currentTime + 0.05;
	bell(ctx, 784, t);
	bell(ctx, 659.3, t + 0.45);
	bell(ctx, 523.3, t + 0.9);
}
