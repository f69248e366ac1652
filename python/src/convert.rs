//! One conversion rule per kind of argument, for every function of `_core`
//! and, through `_core.real`, `_core.count` and `_core.reals`, for the Python
//! layer too, so that `service_radius="3"` and `p_facilities="2"` meet the
//! same rule. Only types are checked here; ranges (finite, >= 0, at most the
//! number of sites) are the core crate's, shared with the command line.

use std::path::PathBuf;

use numpy::{PyArrayDyn, PyArrayMethods, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyFloat, PyInt};

use crate::error::invalid;

/// An int, a float or a numpy integer or floating scalar; not a bool, whose
/// `True` would pass as 1, nor a string, which `float()` would parse.
fn is_real(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    if value.is_instance_of::<PyBool>() {
        return Ok(false);
    }
    if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
        return Ok(true);
    }
    let np = value.py().import("numpy")?;
    Ok(value.is_instance(&np.getattr("integer")?)?
        || value.is_instance(&np.getattr("floating")?)?)
}

fn is_float(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(value.is_instance_of::<PyFloat>()
        || value.is_instance(&value.py().import("numpy")?.getattr("floating")?)?)
}

/// A real number (see [`is_real`]); `TypeError` naming `name` otherwise. An int
/// too large for a float is bad input rather than an `OverflowError`.
pub fn real(value: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    if !is_real(value)? {
        return Err(PyTypeError::new_err(format!(
            "{name} must be a real number (int or float), got {}",
            value.repr()?
        )));
    }
    value
        .extract::<f64>()
        .map_err(|_| invalid(name, format!("{value} is too large for a float")))
}

/// [`real`] for an optional argument: `None` stays `None`.
pub fn real_or_none(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<f64>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| real(v, name))
        .transpose()
}

/// A count or an index: a non-negative int (numpy's too), or a whole float
/// such as `np.ceil(n / k)`. Fractions, NaN, bools and strings are a
/// `TypeError` (rather than truncated or parsed); a negative or too large
/// value is bad input naming `name` (rather than an `OverflowError`).
pub fn count(value: &Bound<'_, PyAny>, name: &str) -> PyResult<usize> {
    let not_int = || -> PyResult<PyErr> {
        Ok(PyTypeError::new_err(format!(
            "{name} must be an integer, got {}",
            value.repr()?
        )))
    };
    if !is_real(value)? {
        return Err(not_int()?);
    }
    let int = if is_float(value)? {
        let x: f64 = value.extract()?;
        if !(x.is_finite() && x.fract() == 0.0) {
            return Err(not_int()?);
        }
        // Through Python's int, so that a whole float meets the same bounds as an int.
        value.py().get_type::<PyInt>().call1((value,))?
    } else {
        value.call_method0("__index__")?
    };
    if int.lt(0)? {
        return Err(invalid(name, format!("must be >= 0, got {int}")));
    }
    int.extract::<usize>()
        .map_err(|_| invalid(name, format!("must be at most {}, got {int}", usize::MAX)))
}

/// A file path: `str`, `bytes` or `os.PathLike`, as `open()` takes them.
pub fn path(value: &Bound<'_, PyAny>, name: &str) -> PyResult<PathBuf> {
    let os = value.py().import("os")?;
    let raw = os
        .call_method1("fspath", (value,))
        .map_err(|e| PyTypeError::new_err(format!("{name}: {}", e.value(value.py()))))?;
    if raw.is_instance_of::<PyBytes>() {
        os.call_method1("fsdecode", (raw,))?.extract()
    } else {
        raw.extract()
    }
}

/// [`path`] for an optional argument.
pub fn path_or_none(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<Option<PathBuf>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| path(v, name))
        .transpose()
}

/// An array of real numbers, as a float64 array of the same shape: any
/// integer or floating dtype, or objects that are each a real number (or
/// None, a missing value, read as NaN for the core to name). Complex values
/// (whose imaginary part a cast would drop), text (which a cast would parse)
/// and bools are a `TypeError` naming `name`; what numpy cannot make an
/// array of (ragged rows) is bad input naming `name`.
pub fn reals<'py>(value: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyArrayDyn<f64>>> {
    let py = value.py();
    let np = py.import("numpy")?;
    let array = np.call_method1("asarray", (value,)).map_err(|e| {
        if e.is_instance_of::<PyValueError>(py) || e.is_instance_of::<PyTypeError>(py) {
            invalid(name, e.value(py).to_string())
        } else {
            e
        }
    })?;
    let dtype = array.getattr("dtype")?;
    let kind: String = dtype.getattr("kind")?.extract()?;
    match kind.as_str() {
        "f" | "i" | "u" => {}
        "O" => {
            for (k, item) in array.getattr("flat")?.try_iter()?.enumerate() {
                let item = item?;
                if !(item.is_none() || is_real(&item)?) {
                    return Err(PyTypeError::new_err(format!(
                        "{name} must hold real numbers (int or float), got {} at position {k}",
                        item.repr()?
                    )));
                }
            }
        }
        other => {
            let what = match other {
                "b" => "boolean",
                "c" => "complex",
                "U" | "S" => "text",
                "M" | "m" => "date or time",
                _ => "non-numeric",
            };
            return Err(PyTypeError::new_err(format!(
                "{name} must hold real numbers (int or float), got {what} values (dtype {dtype})"
            )));
        }
    }
    let floats = array.call_method1("astype", ("float64",))?;
    Ok(floats.cast_into::<PyArrayDyn<f64>>()?)
}

/// [`reals`] of one dimension, as a vector.
pub fn reals_1d(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<f64>> {
    let a = reals(value, name)?;
    if a.ndim() != 1 {
        return Err(invalid(
            name,
            format!("need a 1-D array, got shape {:?}", a.shape()),
        ));
    }
    Ok(a.readonly().as_array().iter().copied().collect())
}
