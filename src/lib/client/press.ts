/**
 * One press, one act (#14): a click handler that ignores the second click of a double click
 * (`detail` 2 and up). Without it, a double click on a button that is replaced by another in the
 * same place ("Ronde afsluiten" by "Ja, afsluiten", "Uitslag tonen" by the tie's "Kies") would
 * press both. Keyboard and assistive-technology clicks have `detail` 0 and always act.
 */
export function once<E extends MouseEvent>(act: (event: E) => unknown): (event: E) => void {
	return (event) => {
		if (event.detail <= 1) void act(event);
	};
}
