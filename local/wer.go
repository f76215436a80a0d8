package local

import "strings"

// WordErrorRate is the word-level edit distance between a reference text
// and a hypothesis, divided by the reference's word count (case and
// punctuation ignored). 0 is perfect; it can exceed 1.
func WordErrorRate(reference, hypothesis string) float64 {
	ref := strings.Fields(normPhrase(reference))
	hyp := strings.Fields(normPhrase(hypothesis))
	if len(ref) == 0 {
		if len(hyp) == 0 {
			return 0
		}
		return 1
	}
	prev := make([]int, len(hyp)+1)
	cur := make([]int, len(hyp)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ref); i++ {
		cur[0] = i
		for j := 1; j <= len(hyp); j++ {
			sub := prev[j-1]
			if ref[i-1] != hyp[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return float64(prev[len(hyp)]) / float64(len(ref))
}
