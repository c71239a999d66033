package block

import (
	"encoding/json"
	"time"
)

// Alert is what a blocking decision reads of an alert document: a few ECS
// and portsnare.* fields, decoded on their own so that the blocker does not
// follow every change of the engine's alert type.
type Alert struct {
	Timestamp time.Time `json:"@timestamp"`
	Event     struct {
		Kind   string `json:"kind"`
		ID     string `json:"id"`
		Action string `json:"action"`
	} `json:"event"`
	Source struct {
		IP string `json:"ip"`
	} `json:"source"`
	Portsnare struct {
		Phase      string `json:"phase"`
		Episode    string `json:"episode"`
		Suppressed bool   `json:"suppressed"`
		Honeyport  *struct {
			Spoofable bool `json:"spoofable"`
		} `json:"honeyport"`
	} `json:"portsnare"`
}

// DecodeAlert reads an alert document.
func DecodeAlert(data []byte) (Alert, error) {
	var a Alert
	err := json.Unmarshal(data, &a)
	return a, err
}
