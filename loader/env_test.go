package loader

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/xcheck-dev/xcheck/matrix"
)

func TestGoflagsTags(t *testing.T) {
	for _, c := range []struct {
		goflags string
		want    []string
	}{
		{"", nil},
		{"-mod=mod", nil},
		{"-tags=netgo,osusergo", []string{"netgo", "osusergo"}},
		{"--tags=a -mod=mod", []string{"a"}},
		{"-tags a,b", []string{"a", "b"}},
		{"-tags=a -tags=b", []string{"b"}},
	} {
		env := []string{"HOME=/x", "GOFLAGS=" + c.goflags}
		assert.Equal(t, c.want, goflagsTags(env), c.goflags)
	}
}

func TestTargetEnv(t *testing.T) {
	b := &matrix.Build{Target: matrix.Target{GOOS: "linux", GOARCH: "arm", Variant: "6"}, CgoEnabled: true}
	env, tags := targetEnv(Config{BaseEnv: []string{"GOOS=windows", "CGO_ENABLED=0", "GOFLAGS=-tags=x", "PATH=/bin"}}, b)
	assert.ElementsMatch(t, []string{"GOFLAGS=-tags=x", "PATH=/bin", "GOOS=linux", "GOARCH=arm", "GOARM=6", "CGO_ENABLED=1"}, env)
	assert.Equal(t, []string{"x"}, tags)

	_, tags = targetEnv(Config{BaseEnv: []string{"GOFLAGS=-tags=x"}, Tags: []string{"y"}}, b)
	assert.Equal(t, []string{"y"}, tags)
}

func TestToolTags(t *testing.T) {
	arm := func(v string) *matrix.Build {
		return &matrix.Build{Target: matrix.Target{GOOS: "linux", GOARCH: "arm"}, Variant: v}
	}
	assert.Equal(t, []string{"arm.5", "arm.6"}, toolTags(arm("6,softfloat")))
	assert.Equal(t, []string{"amd64.v1", "amd64.v2", "amd64.v3"}, toolTags(&matrix.Build{Target: matrix.Target{GOARCH: "amd64"}, Variant: "v3"}))
	assert.Nil(t, toolTags(&matrix.Build{Target: matrix.Target{GOARCH: "riscv64"}}))
}
