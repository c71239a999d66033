package portspec

import "strings"

// Split cuts a comma-separated string of specs, as an environment variable
// gives a list, into specs. Commas also separate the numbers of one spec, so
// a piece that is only numbers continues a PROTO/LIST spec before it:
// "udp/53,123,tcp/22" is udp/53,123 and tcp/22. Any other piece of numbers
// stands alone, as it always did: "23,161/udp" is 23 and 161/udp, not
// 23,161/udp.
func Split(s string) []string {
	var out []string
	open := false // the last spec is PROTO/LIST: numbers continue it
	for piece := range strings.SplitSeq(s, ",") {
		piece = strings.TrimSpace(piece)
		if piece == "" {
			continue
		}
		numbers := isList(piece) && !strings.Contains(piece, "/")
		if numbers && open {
			out[len(out)-1] += "," + piece
			continue
		}
		out = append(out, piece)
		left, _, slash := strings.Cut(piece, "/")
		open = slash && !isList(strings.TrimSpace(left))
	}
	return out
}
