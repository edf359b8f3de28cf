import type { LucideIcon } from '@lucide/svelte';
import Apple from '@lucide/svelte/icons/apple';
import Baby from '@lucide/svelte/icons/baby';
import BookOpen from '@lucide/svelte/icons/book-open';
import Cake from '@lucide/svelte/icons/cake';
import Coffee from '@lucide/svelte/icons/coffee';
import Cookie from '@lucide/svelte/icons/cookie';
import Croissant from '@lucide/svelte/icons/croissant';
import Flame from '@lucide/svelte/icons/flame';
import Flower2 from '@lucide/svelte/icons/flower-2';
import Gem from '@lucide/svelte/icons/gem';
import Heart from '@lucide/svelte/icons/heart';
import House from '@lucide/svelte/icons/house';
import Image from '@lucide/svelte/icons/image';
import Music from '@lucide/svelte/icons/music';
import PartyPopper from '@lucide/svelte/icons/party-popper';
import Star from '@lucide/svelte/icons/star';
import Sun from '@lucide/svelte/icons/sun';
import { m } from '$lib/paraglide/messages.js';
import type { HappyIcon, KleedIcon } from '$lib/round/doc';

/** A pictogram with the word or two that goes with it (shown beside it, and read aloud). */
export interface Pictogram {
	icon: LucideIcon;
	label: () => string;
}

export const happyPictograms: Record<HappyIcon, Pictogram> = {
	cake: { icon: Cake, label: m.happy_cake },
	baby: { icon: Baby, label: m.happy_baby },
	heart: { icon: Heart, label: m.happy_heart },
	sun: { icon: Sun, label: m.happy_sun },
	party: { icon: PartyPopper, label: m.happy_party },
	music: { icon: Music, label: m.happy_music },
	home: { icon: House, label: m.happy_home },
	star: { icon: Star, label: m.happy_star }
};

export const kleedPictograms: Record<KleedIcon, Pictogram> = {
	bread: { icon: Croissant, label: m.kleed_bread },
	fruit: { icon: Apple, label: m.kleed_fruit },
	tea: { icon: Coffee, label: m.kleed_tea },
	candle: { icon: Flame, label: m.kleed_candle },
	flower: { icon: Flower2, label: m.kleed_flower },
	stone: { icon: Gem, label: m.kleed_stone },
	photo: { icon: Image, label: m.kleed_photo },
	cookie: { icon: Cookie, label: m.kleed_cookie },
	book: { icon: BookOpen, label: m.kleed_book },
	music: { icon: Music, label: m.kleed_music }
};
