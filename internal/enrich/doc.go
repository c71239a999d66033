// Package enrich adds the context an analyst asks for next to every alert
// the engine raises, after the engine and before the sinks:
//
//   - network.direction and the ATT&CK technique by direction, from the
//     operator's internal networks (network.internal): a scan from outside
//     is reconnaissance (T1595), one from inside is discovery (T1046,
//     T1018);
//   - source.geo.* and source.as.* from MaxMind-format databases
//     (GeoLite2 City and ASN, or any mmdb of the same layout);
//   - portsnare.scanner_list, the names of the known-scanner lists the
//     source is on — a tag, never a suppression: that stays the
//     allowlist's job.
//
// The engine stays pure and packet-timed; what it cannot know (where an
// address is, who owns it, what the organisation calls internal) is added
// here. An Enricher costs a few map and tree lookups per alert and holds
// its databases in memory, read whole at load, so that a file rewritten in
// place can never change under a lookup. The files are watched and
// reloaded when they change; a bad new file is rejected with the reason
// and the one in force stays.
package enrich
