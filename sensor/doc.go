// Package sensor turns captured packets into the detection engine's input.
//
// A Decoder maps one packet's bytes, given the capture's link type, to calls
// on a Handler (a *detect.Engine satisfies it): first-contact candidates
// become detect.Probe values, answers that tell a probe's outcome become
// detect.Reply values, everything else is counted and dropped. Decoding runs
// on gopacket's DecodingLayerParser over layers the Decoder owns, so the hot
// path reuses the same structures for every packet and does not allocate.
//
// Replay feeds pcap and pcapng files (optionally gzip-compressed) through one
// engine, in order, as if they were one capture: a scan split over several
// files is one episode. Time inside the engine is the capture timestamp, so a
// replay raises the same alerts as the live run that recorded the files.
//
// Live capture (Sensor) reads AF_PACKET rings and needs Linux; on other
// systems NewSensor returns an error naming the system. Decoding, replay
// and everything else here build and run anywhere, without cgo.
//
// gopacket is imported only by this package and its sub-packages; nothing in
// the exported API names a gopacket type, so switching to the maintained fork
// (github.com/gopacket/gopacket) stays a change of import paths.
package sensor
