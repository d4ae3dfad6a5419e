package inspect

import "github.com/xcheck-dev/xcheck/abi"

// cxxFloor is the newest libstdc++ symbol versions that systems with a
// given glibc can be relied on to have.
type cxxFloor struct {
	glibc   string // the manylinux policy's glibc ("2.28")
	glibcxx string // newest GLIBCXX_ version ("3.4.24")
	cxxabi  string // newest CXXABI_ version ("1.3.11")
}

// cxxFloors are the manylinux policies of PEP 600 as auditwheel defines
// them (pypa/auditwheel, src/auditwheel/policy/manylinux-policy.json):
// the newest GLIBCXX_ and CXXABI_ versions each policy allows on x86_64
// and aarch64, which is what the reference distribution of that glibc
// (CentOS 7, Debian 9, AlmaLinux 8, Ubuntu 20.04, Ubuntu 22.04) ships.
// A --glibc floor uses the newest policy at or below it; below 2.17
// there is no libstdc++ floor.
var cxxFloors = []cxxFloor{
	{"2.17", "3.4.19", "1.3.7"},
	{"2.24", "3.4.22", "1.3.10"},
	{"2.28", "3.4.24", "1.3.11"},
	{"2.31", "3.4.28", "1.3.12"},
	{"2.35", "3.4.30", "1.3.13"},
}

// cxxFloorFor returns the libstdc++ floor for a glibc floor ("2.28").
func cxxFloorFor(glibc string) (cxxFloor, bool) {
	g, ok := abi.ParseGlibcVersion(glibc)
	if !ok {
		return cxxFloor{}, false
	}
	var best cxxFloor
	found := false
	for _, f := range cxxFloors {
		v, _ := abi.ParseGlibcVersion(f.glibc)
		if v.Compare(g) <= 0 {
			best, found = f, true
		}
	}
	return best, found
}
